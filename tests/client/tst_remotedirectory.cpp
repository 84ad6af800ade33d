#include "client/remotecommandgateway.h"
#include "client/remotedirectory.h"
#include "clienttestsupport.h"
#include "fixtures.h"
#include "kernel/database.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

QString sha256Of(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// The metadata of a file as the sync brings it into the replica (no content).
qint64 insertFileMetadata(Database &db, qint64 userId, const QByteArray &content)
{
    return db.insert(
        QStringLiteral("INSERT INTO attached_files (user_id, designation, file_type, file_name, size, "
                       "sha256, content, created_at, updated_at, version) "
                       "VALUES (?, 'Kbis', 'kbis', 'kbis.pdf', ?, ?, ?, 0, 0, 1) RETURNING id"),
        { userId, content.size(), sha256Of(content), QByteArray("") });
}

struct Fixture
{
    QTemporaryDir dir;
    std::unique_ptr<Database> replica;
    std::unique_ptr<RemoteCommandGateway> gateway;
    std::unique_ptr<RemoteDirectory> directory;

    bool open()
    {
        replica = openReplica(dir.filePath(QStringLiteral("replica.sqlite")));
        if (!replica)
            return false;
        gateway = std::make_unique<RemoteCommandGateway>(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())), *replica);
        directory
            = std::make_unique<RemoteDirectory>(*gateway, *replica, dir.filePath(QStringLiteral("cache")));
        return true;
    }
};

} // namespace

// The remote directory's behaviour that needs no server: the file cache, and
// failures when the server cannot be reached.
class TestRemoteDirectory : public QObject
{
    Q_OBJECT

private slots:
    // A file already downloaded opens without the server, as long as it still
    // is the content the replica's metadata names.
    void cachedFileOpensWithoutTheServer()
    {
        Fixture f;
        QVERIFY(f.open());
        const QByteArray content("%PDF-1.4 extrait Kbis");
        const qint64 alice = insertUser(*f.replica, QStringLiteral("alice@example.org"));
        const qint64 file = insertFileMetadata(*f.replica, alice, content);
        QVERIFY(QDir().mkpath(f.directory->cacheDir()));
        QFile cached(QDir(f.directory->cacheDir()).filePath(sha256Of(content)));
        QVERIFY(cached.open(QIODevice::WriteOnly));
        cached.write(content);
        cached.close();

        bool called = false;
        f.directory->fileContent(file, nullptr, [&](const CommandResult &result, const QByteArray &bytes) {
            called = true;
            QVERIFY2(result.ok(), qPrintable(result.message));
            QCOMPARE(bytes, content);
        });
        QTRY_VERIFY(called);
    }

    // A damaged cached copy is never shown: it is dropped and fetched again
    // (here the server is down, so the user gets a readable failure).
    void damagedCacheIsNotUsed()
    {
        Fixture f;
        QVERIFY(f.open());
        const QByteArray content("%PDF-1.4 the real content");
        const qint64 alice = insertUser(*f.replica, QStringLiteral("alice@example.org"));
        const qint64 file = insertFileMetadata(*f.replica, alice, content);
        QVERIFY(QDir().mkpath(f.directory->cacheDir()));
        const QString path = QDir(f.directory->cacheDir()).filePath(sha256Of(content));
        QFile cached(path);
        QVERIFY(cached.open(QIODevice::WriteOnly));
        cached.write("tampered");
        cached.close();

        bool called = false;
        f.directory->fileContent(file, nullptr, [&](const CommandResult &result, const QByteArray &bytes) {
            called = true;
            QVERIFY(!result.ok());
            QVERIFY(!result.message.isEmpty());
            QVERIFY(bytes.isEmpty());
        });
        QTRY_VERIFY(called);
        QVERIFY(!QFile::exists(path));
    }

    void searchesFailReadablyWhenTheServerIsUnreachable()
    {
        Fixture f;
        QVERIFY(f.open());
        StructureCriteria criteria;
        criteria.ville = QStringLiteral("Lyon");
        bool structuresCalled = false;
        f.directory->searchStructures(criteria, 0, 50, nullptr,
                                      [&](const CommandResult &result, const StructurePage &page) {
                                          structuresCalled = true;
                                          QVERIFY(!result.ok());
                                          QVERIFY(!result.message.isEmpty());
                                          QVERIFY(page.rows.isEmpty());
                                      });
        bool usersCalled = false;
        f.directory->searchUsers(QStringLiteral("durand"), 20, nullptr,
                                 [&](const CommandResult &result, const QList<UserSearchResult> &users) {
                                     usersCalled = true;
                                     QVERIFY(!result.ok());
                                     QVERIFY(users.isEmpty());
                                 });
        QTRY_VERIFY(structuresCalled && usersCalled);
        QVERIFY(!f.gateway->isOnline());
    }

    // Empty criteria list nothing, as standalone, without asking the server.
    void emptyCriteriaListNothing()
    {
        Fixture f;
        QVERIFY(f.open());
        bool called = false;
        f.directory->searchStructures({}, 0, 50, nullptr,
                                      [&](const CommandResult &result, const StructurePage &page) {
                                          called = true;
                                          QVERIFY(result.ok());
                                          QVERIFY(page.rows.isEmpty());
                                          QVERIFY(!page.more);
                                      });
        QVERIFY(called);
    }

    // A screen closed before the answer came is not called back.
    void closedScreenGetsNoAnswer()
    {
        Fixture f;
        QVERIFY(f.open());
        auto screen = std::make_unique<QObject>();
        bool called = false;
        f.directory->searchUsers(
            QStringLiteral("durand"), 20, screen.get(),
            [&](const CommandResult &, const QList<UserSearchResult> &) { called = true; });
        screen.reset();
        QTest::qWait(300);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestRemoteDirectory)
#include "tst_remotedirectory.moc"
