#include "client/credentialstore.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <cstring>

using namespace guichet;

// Runs against the real keyring that scripts/test unlocks on a private D-Bus
// session. The unreachable case runs this same binary again as a child
// process, with a broken session bus address, so that QtKeychain meets a real
// failure.

namespace {

const char unreachableChildArgument[] = "--unreachable-keychain-child";
// The keyring can be slow on its first use.
constexpr int keyringTimeoutMs = 60000;

QString uniqueKey(const QString &email)
{
    return CredentialStore::accountKey(
        QStringLiteral("https://%1.guichet.test/").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)),
        email);
}

QString uniqueToken()
{
    return QStringLiteral("tok-") + QUuid::createUuid().toString(QUuid::Id128);
}

// Every file under `dir` whose bytes contain `needle`.
QStringList filesContaining(const QString &dir, const QString &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle.toUtf8()))
            found << path;
    }
    return found;
}

// The child: save then load with the session bus unreachable, one line per signal.
int runUnreachableChild(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Guichet"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_credentialstore"));
    const QString key = QString::fromLocal8Bit(argv[2]);
    const QString token = QString::fromLocal8Bit(argv[3]);
    CredentialStore store;
    QElapsedTimer timer;
    QTextStream out(stdout);
    const auto line = [&](const QString &what) {
        out << what << '\t' << timer.elapsed() << '\n';
        out.flush();
    };
    QObject::connect(&store, &CredentialStore::retrying, [&](const QString &, const QString &message) {
        line(QStringLiteral("retrying\t") + message);
    });
    QObject::connect(&store, &CredentialStore::saved, [&] { line(QStringLiteral("saved")); });
    QObject::connect(&store, &CredentialStore::loaded, [&](const QString &, const QString &loadedToken) {
        line(QStringLiteral("loaded\t") + loadedToken);
        QCoreApplication::quit();
    });
    int failures = 0;
    QObject::connect(&store, &CredentialStore::failed, [&](const QString &, const QString &message) {
        line(QStringLiteral("failed\t") + message);
        if (++failures == 1) {
            timer.restart();
            store.load(key);
        } else {
            QCoreApplication::quit();
        }
    });
    timer.start();
    store.save(key, token);
    return app.exec();
}

} // namespace

class TestCredentialStore : public QObject
{
    Q_OBJECT

public:
    explicit TestCredentialStore(const QString &home)
        : m_home(home)
    {
    }

private slots:
    void saveThenLoadReturnsToken()
    {
        const QString key = track(uniqueKey(QStringLiteral("alice@example.org")));
        const QString token = uniqueToken();
        QCOMPARE(save(key, token), QString());
        QCOMPARE(load(key), token);
    }

    void removeThenLoadGivesEmptyTokenNotFailure()
    {
        const QString key = track(uniqueKey(QStringLiteral("alice@example.org")));
        QCOMPARE(save(key, uniqueToken()), QString());
        QCOMPARE(remove(key), QString());
        QCOMPARE(load(key), QString());
        // Forgetting twice (sign-out after sign-out) is not a failure either.
        QCOMPARE(remove(key), QString());
    }

    void missingEntryLoadsEmptyToken()
    {
        CredentialStore store;
        QSignalSpy loaded(&store, &CredentialStore::loaded);
        QSignalSpy failed(&store, &CredentialStore::failed);
        QSignalSpy retrying(&store, &CredentialStore::retrying);
        const QString key = uniqueKey(QStringLiteral("nobody@example.org"));
        store.load(key);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, keyringTimeoutMs);
        QCOMPARE(loaded.at(0).at(0).toString(), key);
        QVERIFY(loaded.at(0).at(1).toString().isNull());
        QCOMPARE(failed.count(), 0);
        QCOMPARE(retrying.count(), 0);
    }

    void twoKeysAreIndependent()
    {
        const QString server
            = QStringLiteral("https://%1.guichet.test").arg(QUuid::createUuid().toString(QUuid::Id128));
        const QString alice = track(CredentialStore::accountKey(server, QStringLiteral("alice@example.org")));
        const QString bruno = track(CredentialStore::accountKey(server, QStringLiteral("bruno@example.org")));
        const QString aliceToken = uniqueToken();
        const QString brunoToken = uniqueToken();
        QCOMPARE(save(alice, aliceToken), QString());
        QCOMPARE(save(bruno, brunoToken), QString());
        QCOMPARE(load(alice), aliceToken);
        QCOMPARE(load(bruno), brunoToken);

        QCOMPARE(remove(alice), QString());
        QCOMPARE(load(alice), QString());
        QCOMPARE(load(bruno), brunoToken);
    }

    void accountKeyNamesServerAndUser()
    {
        QCOMPARE(CredentialStore::serviceName(), QStringLiteral("Guichet"));
        QCOMPARE(CredentialStore::accountKey(QStringLiteral("https://guichet.example.org/"),
                                             QStringLiteral(" Alice@Example.org")),
                 CredentialStore::accountKey(QStringLiteral("https://guichet.example.org"),
                                             QStringLiteral("alice@example.org")));
        QVERIFY(CredentialStore::accountKey(QStringLiteral("https://a.example.org"),
                                            QStringLiteral("x@example.org"))
                != CredentialStore::accountKey(QStringLiteral("https://b.example.org"),
                                               QStringLiteral("x@example.org")));
    }

    void tokenNeverInPlainText()
    {
        const QString key = track(uniqueKey(QStringLiteral("alice@example.org")));
        const QString token = uniqueToken();
        QCOMPARE(save(key, token), QString());
        QCOMPARE(load(key), token);

        // The settings the desktop and QtKeychain's fallback would use live in the
        // test's own config folder (XDG_CONFIG_HOME, set in main).
        QSettings settings;
        settings.sync();
        QVERIFY(settings.fileName().startsWith(m_home));
        QVERIFY(!settings.allKeys().join(QLatin1Char(' ')).contains(token));
        QSettings keychainFallback(CredentialStore::serviceName());
        QVERIFY(keychainFallback.allKeys().isEmpty());
        QCOMPARE(filesContaining(m_home, token), QStringList());
        QCOMPARE(filesContaining(QStandardPaths::writableLocation(QStandardPaths::ConfigLocation), token),
                 QStringList());
    }

    void unreachableKeychainFailsAfterOneRetry()
    {
        QTemporaryDir childHome;
        QVERIFY(childHome.isValid());
        const QString key = track(uniqueKey(QStringLiteral("alice@example.org")));
        const QString token = uniqueToken();

        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=%1/no-such-bus").arg(childHome.path()));
        env.insert(QStringLiteral("HOME"), childHome.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), childHome.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), childHome.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), childHome.filePath(QStringLiteral("cache")));
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(),
                    { QString::fromLatin1(unreachableChildArgument), key, token });
        QVERIFY(child.waitForFinished(2 * keyringTimeoutMs));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);

        const QStringList lines = QString::fromLocal8Bit(child.readAllStandardOutput())
                                      .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        // save: one retry, then failed with a readable message; load the same.
        QCOMPARE(lines.size(), 4);
        for (int operation = 0; operation < 2; ++operation) {
            const QStringList retry = lines.at(2 * operation).split(QLatin1Char('\t'));
            const QStringList failure = lines.at(2 * operation + 1).split(QLatin1Char('\t'));
            QCOMPARE(retry.value(0), QStringLiteral("retrying"));
            QCOMPARE(failure.value(0), QStringLiteral("failed"));
            QVERIFY2(!failure.value(1).trimmed().isEmpty(), qPrintable(lines.join(QLatin1Char('\n'))));
            // The second attempt came after the delay, not at once.
            QVERIFY2(failure.value(2).toLongLong() >= CredentialStore::retryDelayMs,
                     qPrintable(lines.join(QLatin1Char('\n'))));
        }

        // Nothing written: not in the child's folders, not in the keyring.
        QCOMPARE(filesContaining(childHome.path(), token), QStringList());
        QCOMPARE(load(key), QString());
    }

    void cleanupTestCase()
    {
        for (const QString &key : std::as_const(m_keys))
            remove(key);
    }

private:
    QString track(const QString &key)
    {
        m_keys << key;
        return key;
    }

    // Each returns the failure message, or the loaded token; waits for the signal.
    QString save(const QString &key, const QString &token)
    {
        CredentialStore store;
        QSignalSpy saved(&store, &CredentialStore::saved);
        QSignalSpy failed(&store, &CredentialStore::failed);
        store.save(key, token);
        waitForOne(saved, failed);
        if (!failed.isEmpty())
            return QStringLiteral("failed: ") + failed.at(0).at(1).toString();
        return saved.value(0).value(0).toString() == key ? QString()
                                                         : QStringLiteral("no saved signal for the key");
    }

    QString load(const QString &key)
    {
        CredentialStore store;
        QSignalSpy loaded(&store, &CredentialStore::loaded);
        QSignalSpy failed(&store, &CredentialStore::failed);
        store.load(key);
        waitForOne(loaded, failed);
        if (!failed.isEmpty())
            return QStringLiteral("failed: ") + failed.at(0).at(1).toString();
        if (loaded.value(0).value(0).toString() != key)
            return QStringLiteral("no loaded signal for the key");
        return loaded.at(0).at(1).toString();
    }

    QString remove(const QString &key)
    {
        CredentialStore store;
        QSignalSpy removed(&store, &CredentialStore::removed);
        QSignalSpy failed(&store, &CredentialStore::failed);
        store.remove(key);
        waitForOne(removed, failed);
        if (!failed.isEmpty())
            return QStringLiteral("failed: ") + failed.at(0).at(1).toString();
        return removed.value(0).value(0).toString() == key ? QString()
                                                           : QStringLiteral("no removed signal for the key");
    }

    // Waits for the outcome, then a little longer: exactly one, never both.
    static void waitForOne(QSignalSpy &success, QSignalSpy &failure)
    {
        QTRY_VERIFY_WITH_TIMEOUT(!success.isEmpty() || !failure.isEmpty(), keyringTimeoutMs);
        QTest::qWait(50);
        QCOMPARE(success.count() + failure.count(), 1);
    }

    QString m_home;
    QStringList m_keys;
};

int main(int argc, char **argv)
{
    if (argc == 4 && std::strcmp(argv[1], unreachableChildArgument) == 0)
        return runUnreachableChild(argc, argv);

    // A private config and data folder, so that a plain-text copy would be found.
    QTemporaryDir home;
    if (!home.isValid())
        return 1;
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(home.filePath(QStringLiteral("config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(home.filePath(QStringLiteral("data"))));
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Guichet"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_credentialstore"));
    TestCredentialStore test(home.path());
    return QTest::qExec(&test, argc, argv);
}

#include "tst_credentialstore.moc"
