#pragma once

#include "kernel/database.h"
#include "processrun.h"

#include <QTemporaryDir>

#include <memory>

namespace guichet::test {

// guichetctl over a database file of its own in a temporary folder, driven as an
// operator runs it. Password hashing is the fast one (GUICHET_FAST_HASH).
class CtlWorkspace
{
public:
    CtlWorkspace(const QString &program, const QString &databaseName);

    // guichetctl --database <the file> args, with input on its standard input.
    ProcessRun run(const QStringList &args, const QByteArray &input = {}) const;
    // `guichetctl users add` of an Alice Martin at email, the password read from input.
    ProcessRun addUser(const QString &email, const QByteArray &input = "Tournesol2024x\n") const;
    QString databasePath() const { return filePath(m_databaseName); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    // Another connection to the file, to set up a world or check what guichetctl
    // did; null (with a warning) when it cannot be opened.
    std::unique_ptr<Database> open() const;
    // The first value of query on the file, or -1 when it cannot be opened.
    int count(const QString &query) const;

private:
    QTemporaryDir m_dir;
    QString m_program;
    QString m_databaseName;
};

} // namespace guichet::test
