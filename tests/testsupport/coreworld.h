#pragma once

#include "kernel/core.h"
#include "manualclock.h"
#include "testdatabase.h"

#include <QVariantList>

#include <memory>

namespace guichet::test {

// Where every core test's world starts: a fresh database on the back-end under
// test, a clock that stands still, and the Core over them. Tests derive from it
// and add the rules they exercise and their people.
struct CoreWorld
{
    CoreWorld();
    virtual ~CoreWorld();

    TestDatabase t;
    ManualClock clock;
    std::unique_ptr<Core> core; // null when the database could not be created (see t.error())

    bool isValid() const { return core != nullptr; }
    Database &db() { return t.db(); }
    // The first column of the first row of a counting query.
    int count(const QString &sql, const QVariantList &args = {});
};

} // namespace guichet::test
