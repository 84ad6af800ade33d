#include "server/changewatcher.h"

#include "kernel/database.h"

#include <QDebug>
#include <QSqlDriver>

namespace guichet::server {

ChangeWatcher::ChangeWatcher(Database &db, int pollIntervalMs, QObject *parent)
    : QObject(parent)
    , m_db(db)
{
    refresh();
    if (m_db.isPostgres()) {
        QSqlDriver *driver = m_db.connection().driver();
        connect(driver, &QSqlDriver::notification, this,
                [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                    if (name == QLatin1String("guichet_changes"))
                        noteVersion(payload.toString().toLongLong());
                });
        if (!driver->subscribeToNotification(QStringLiteral("guichet_changes")))
            qWarning().noquote() << "guichetd: cannot LISTEN to guichet_changes; changes are seen every"
                                 << pollIntervalMs << "ms only";
    }
    connect(&m_timer, &QTimer::timeout, this, &ChangeWatcher::refresh);
    m_timer.start(pollIntervalMs);
}

void ChangeWatcher::refresh()
{
    try {
        noteVersion(m_db.currentVersion());
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichetd: cannot read the change counter:" << error.message();
    }
}

void ChangeWatcher::noteVersion(qint64 version)
{
    if (version <= m_version)
        return;
    m_version = version;
    emit versionChanged(version);
}

} // namespace guichet::server
