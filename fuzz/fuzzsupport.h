#pragma once

#include <QByteArray>

#include <cstddef>
#include <cstdint>

namespace guichet {
class Database;
}

// What every fuzz target shares (docs/ARCHITECTURE.md, « Fuzzing »).
namespace guichet::fuzz {

// Once per process, from LLVMFuzzerInitialize: a QCoreApplication (the SQL
// drivers, translations and QTimer need one) and Qt's messages silenced (a
// warning per input would be most of the time spent).
void initialize(int *argc, char ***argv);

// A migrated SQLite database in memory, opened on first use and kept for the
// whole run; each target leaves it as it found it.
Database &memoryDatabase();

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Stops the run with a message when an invariant does not hold: libFuzzer
// keeps the input (crash-*) and scripts/fuzz fails.
[[noreturn]] void fail(const char *what, const QByteArray &detail = {});

} // namespace guichet::fuzz

#define FUZZ_CHECK(condition, detail)                                                                        \
    do {                                                                                                     \
        if (!(condition))                                                                                    \
            ::guichet::fuzz::fail(#condition, detail);                                                       \
    } while (false)
