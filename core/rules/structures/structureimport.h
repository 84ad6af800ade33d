#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>

#include <functional>

class QIODevice;

namespace guichet {

class Core;

// Called now and then while importing: data lines done out of the total.
using ImportProgress = std::function<void(qint64 linesDone, qint64 totalLines)>;

// Imports structures from CSV (UTF-8 with or without BOM; ',' or ';' separator,
// detected from the header; "quoted" fields with "" escapes). The header names
// the columns siret, raison_sociale, libelle, adresse, code_postal, ville in any
// order; siret and raison_sociale are required. Every line is checked first and
// nothing is imported when one is wrong: the failure's field names the column
// and data["line"] the line number in the file (the header is line 1). Runs as
// an operator command without a signed-in user ('importStructures'). Imported
// structures have no principal manager yet; support names one later.
// On success, id is 0 and data["imported"] the number of structures created.
CommandResult importStructures(Core &core, QIODevice &csv, const ImportProgress &progress = {});

} // namespace guichet
