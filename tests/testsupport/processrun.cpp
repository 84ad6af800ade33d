#include "processrun.h"

#include <QProcess>

namespace guichet::test {

ProcessRun runProgram(const QString &program, const QStringList &args, const QByteArray &input,
                      const QHash<QString, QString> &env)
{
    QProcess process;
    if (!env.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            environment.insert(it.key(), it.value());
        process.setProcessEnvironment(environment);
    }
    process.start(program, args);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return { -1, {}, QStringLiteral("timed out") };
    }
    return { process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
             QString::fromUtf8(process.readAllStandardError()) };
}

} // namespace guichet::test
