#include "testdatabase.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QThread>
#include <QUrl>

namespace guichet::test {

namespace {
QAtomicInteger<int> s_counter;
}

bool TestDatabase::usesPostgres()
{
    return qEnvironmentVariable("GUICHET_TEST_BACKEND") == QLatin1String("postgresql");
}

QString TestDatabase::backendName()
{
    return usesPostgres() ? QStringLiteral("postgresql") : QStringLiteral("sqlite");
}

TestDatabase::TestDatabase()
{
    if (usesPostgres()) {
        m_adminUrl = qEnvironmentVariable("GUICHET_TEST_PG_URL");
        if (m_adminUrl.isEmpty()) {
            m_error = QStringLiteral("GUICHET_TEST_BACKEND=postgresql needs GUICHET_TEST_PG_URL "
                                     "(scripts/test starts a cluster and sets it)");
            return;
        }
        auto admin = Database::open(m_adminUrl, &m_error);
        if (!admin)
            return;
        m_pgName
            = QStringLiteral("guichet_test_%1_%2").arg(QCoreApplication::applicationPid()).arg(++s_counter);
        try {
            admin->exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(m_pgName));
            admin->exec(QStringLiteral("CREATE DATABASE %1").arg(m_pgName));
        } catch (const DatabaseError &e) {
            m_error = e.message();
            return;
        }
        QUrl url(m_adminUrl);
        url.setPath(QLatin1Char('/') + m_pgName);
        m_location = url.toString();
    } else {
        if (!m_dir.isValid()) {
            m_error = QStringLiteral("cannot create a temporary folder");
            return;
        }
        m_location = m_dir.filePath(QStringLiteral("guichet.sqlite"));
    }
    m_database = Database::open(m_location, &m_error);
    if (m_database && !m_database->migrate(&m_error))
        m_database.reset();
}

TestDatabase::~TestDatabase()
{
    m_database.reset();
    if (!m_pgName.isEmpty()) {
        QString error;
        if (auto admin = Database::open(m_adminUrl, &error)) {
            try {
                admin->exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgName));
            } catch (const DatabaseError &) {
            }
        }
    }
}

bool terminateBackend(Database &victim, Database &other)
{
    try {
        const int pid = victim.value(QStringLiteral("SELECT pg_backend_pid()")).toInt();
        if (!other.value(QStringLiteral("SELECT pg_terminate_backend(?)"), { pid }).toBool())
            return false;
        for (int i = 0; i < 200; ++i) {
            if (other.value(QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?"), { pid })
                    .toInt()
                == 0)
                return true;
            QThread::msleep(10);
        }
    } catch (const DatabaseError &) {
    }
    return false;
}

std::unique_ptr<Database> TestDatabase::openAnother() const
{
    QString error;
    return Database::open(m_location, &error);
}

} // namespace guichet::test

namespace guichet::test {

QString snapshot(Database &db, const QStringList &exceptTables)
{
    QStringList tables = db.connection().tables();
    tables.sort();
    QString dump;
    for (const QString &table : tables) {
        if (table.startsWith(QLatin1String("structures_search_"))
            || table.startsWith(QLatin1String("sqlite_")))
            continue; // FTS5 shadow tables mirror structures_search
        if (exceptTables.contains(table))
            continue;
        const QList<QVariantMap> rows = db.rows(QStringLiteral("SELECT * FROM %1").arg(table));
        QStringList lines;
        for (const QVariantMap &row : rows) {
            QStringList cells;
            for (auto it = row.cbegin(); it != row.cend(); ++it)
                cells << it.key() + QLatin1Char('=') + it.value().toString();
            lines << cells.join(QLatin1Char('|'));
        }
        lines.sort();
        dump += QStringLiteral("## %1 (%2)\n").arg(table).arg(lines.size()) + lines.join(QLatin1Char('\n'))
            + QLatin1Char('\n');
    }
    return dump;
}

QString dataSnapshot(Database &db)
{
    return snapshot(db, { QStringLiteral("applied_commands") });
}

} // namespace guichet::test
