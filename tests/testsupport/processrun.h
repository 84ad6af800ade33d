#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace guichet::test {

// What a finished command-line program said.
struct ProcessRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs program with args, writes input to its standard input, and waits up to
// two minutes; environment entries in env are added to the test's own.
ProcessRun runProgram(const QString &program, const QStringList &args, const QByteArray &input = {},
                      const QHash<QString, QString> &env = {});

} // namespace guichet::test
