#include "fuzzsupport.h"

#include "kernel/database.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace guichet::fuzz {

namespace {

void quiet(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    // Fatal messages still stop the run (and so count as a finding).
    if (type == QtFatalMsg) {
        std::fprintf(stderr, "qFatal: %s\n", qPrintable(message));
        std::abort();
    }
}

} // namespace

void initialize(int *argc, char ***argv)
{
    static QCoreApplication *app = nullptr;
    if (app)
        return;
    qInstallMessageHandler(quiet);
    // Kept for the whole run: libFuzzer exits without returning to main().
    app = new QCoreApplication(*argc, *argv);
}

Database &memoryDatabase()
{
    static std::unique_ptr<Database> db = [] {
        QString error;
        std::unique_ptr<Database> opened = Database::open(QStringLiteral(":memory:"), &error);
        if (!opened || !opened->migrate(&error))
            fail("cannot open a migrated in-memory SQLite database", error.toUtf8());
        return opened;
    }();
    return *db;
}

void fail(const char *what, const QByteArray &detail)
{
    std::fprintf(stderr, "\n==FUZZ CHECK FAILED== %s\n%s\n", what, detail.left(2000).constData());
    std::fflush(stderr);
    std::abort();
}

} // namespace guichet::fuzz
