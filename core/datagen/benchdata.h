#pragma once

#include "kernel/commandresult.h"

#include <QtGlobal>

namespace guichet {

class Database;

// Adds n synthetic but realistic structures for benchmarks and demos: French
// raisons sociales from word lists (about 5% contain « Menuiserie », with case
// and accent variants), real cities with their postal codes, valid and unique
// SIRETs. Bulk inserts in one transaction ('benchData', one audit entry) and
// fills structures_search. The same seed gives the same structures.
// On success data["generated"] is the number added.
CommandResult generateStructures(Database &db, int n, quint32 seed = 1);

} // namespace guichet
