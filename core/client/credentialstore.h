#pragma once

#include <QObject>
#include <QString>

namespace guichet {

// Remembers the desktop's session token for a connected server in the system
// keychain (Secret Service, Keychain, Credential Manager) through QtKeychain.
// Entries are kept under the service name "Guichet", one per account key
// (accountKey(): server URL + user e-mail).
//
// Every call is asynchronous and ends with exactly one signal for its key:
// save → saved or failed; load → loaded or failed; remove → removed or failed.
//
// Rules (docs/ACCOUNTS.md, "Remembered sign-in"):
// - The token is NEVER stored in plain text: no QSettings, no file, not even
//   when the keychain is unavailable. QtKeychain's insecure fallback stays off.
// - When the keychain is unavailable (no D-Bus session, locked, refused, any
//   other error), `failed` carries QtKeychain's readable message so that the
//   screen can say it and sign in without remembering.
// - A missing entry is not an error: load emits `loaded(key, QString())`, and
//   removing a missing entry emits `removed`.
// - A keyring that is not up yet (NoBackendAvailable or OtherError on the first
//   attempt, e.g. just after log-in) is retried once after retryDelayMs, as the
//   Nextcloud client does; `retrying` is emitted before the wait. A second
//   failure is final.
class CredentialStore : public QObject
{
    Q_OBJECT

public:
    static constexpr int retryDelayMs = 1000;

    explicit CredentialStore(QObject *parent = nullptr);

    static QString serviceName();
    // One entry per server and user: "https://guichet.example.org alice@example.org".
    // The server URL loses a trailing slash and the e-mail its case, so that the
    // same account always finds its entry.
    static QString accountKey(const QString &serverUrl, const QString &email);

    void save(const QString &key, const QString &token);
    void load(const QString &key);
    void remove(const QString &key);

signals:
    void saved(const QString &key);
    void loaded(const QString &key, const QString &token);
    void removed(const QString &key);
    void failed(const QString &key, const QString &message);
    // The first attempt failed as if the keyring were not up yet; one more
    // attempt follows after retryDelayMs.
    void retrying(const QString &key, const QString &message);

private:
    enum class Operation { Save, Load, Remove };
    void start(Operation operation, const QString &key, const QString &token, bool isRetry);
};

} // namespace guichet
