#include "client/credentialstore.h"

#include <QTimer>
#include <qt6keychain/keychain.h>

namespace guichet {

CredentialStore::CredentialStore(QObject *parent)
    : QObject(parent)
{
}

QString CredentialStore::serviceName()
{
    return QStringLiteral("Guichet");
}

QString CredentialStore::accountKey(const QString &serverUrl, const QString &email)
{
    QString server = serverUrl.trimmed();
    while (server.endsWith(QLatin1Char('/')))
        server.chop(1);
    return server + QLatin1Char(' ') + email.trimmed().toLower();
}

void CredentialStore::save(const QString &key, const QString &token)
{
    start(Operation::Save, key, token, false);
}

void CredentialStore::load(const QString &key)
{
    start(Operation::Load, key, QString(), false);
}

void CredentialStore::remove(const QString &key)
{
    start(Operation::Remove, key, QString(), false);
}

void CredentialStore::start(Operation operation, const QString &key, const QString &token, bool isRetry)
{
    QKeychain::Job *job = nullptr;
    switch (operation) {
    case Operation::Save: {
        auto *write = new QKeychain::WritePasswordJob(serviceName(), this);
        write->setTextData(token);
        job = write;
        break;
    }
    case Operation::Load:
        job = new QKeychain::ReadPasswordJob(serviceName(), this);
        break;
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(serviceName(), this);
        break;
    }
    // Never a plain-text copy: the remembered token lives in the keychain or nowhere.
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);

    connect(job, &QKeychain::Job::finished, this,
            [this, operation, key, token, isRetry](QKeychain::Job *done) {
                const QKeychain::Error error = done->error();
                if (error == QKeychain::NoError) {
                    switch (operation) {
                    case Operation::Save:
                        emit saved(key);
                        break;
                    case Operation::Load:
                        emit loaded(key, static_cast<QKeychain::ReadPasswordJob *>(done)->textData());
                        break;
                    case Operation::Remove:
                        emit removed(key);
                        break;
                    }
                    return;
                }
                // Nothing remembered is the ordinary case of a first sign-in, not a fault.
                if (error == QKeychain::EntryNotFound && operation != Operation::Save) {
                    if (operation == Operation::Load)
                        emit loaded(key, QString());
                    else
                        emit removed(key);
                    return;
                }
                QString message = done->errorString();
                if (message.isEmpty())
                    message = tr("The system keychain is unavailable.");
                // Just after log-in the keyring daemon may not be up yet: one more try.
                if (!isRetry && (error == QKeychain::NoBackendAvailable || error == QKeychain::OtherError)) {
                    emit retrying(key, message);
                    QTimer::singleShot(retryDelayMs, this,
                                       [this, operation, key, token] { start(operation, key, token, true); });
                    return;
                }
                emit failed(key, message);
            });
    job->start();
}

} // namespace guichet
