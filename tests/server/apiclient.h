#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace guichet::test {

// The real guichetd executable (GUICHETD_PATH), started on 127.0.0.1:0 with
// GUICHET_FAST_HASH=1; stopped with SIGTERM when destroyed.
class Guichetd
{
public:
    Guichetd() = default;
    ~Guichetd();
    Guichetd(const Guichetd &) = delete;
    Guichetd &operator=(const Guichetd &) = delete;

    // argon2id at its real cost (interactive limits) instead of the tests'
    // fast one; before start().
    void setRealHashing(bool real) { m_realHashing = real; }
    // Starts it on database and waits for "listening on http://127.0.0.1:PORT".
    bool start(const QString &database, const QStringList &extraArgs = {}, QString *error = nullptr);
    // SIGTERM, then the exit code (-1 if it did not end within 10 s or crashed).
    int stop();
    QUrl baseUrl() const { return m_baseUrl; }
    // What it wrote on stderr so far (the request log).
    QString log();
    qint64 pid() const { return m_process.processId(); }
    // The path of the guichetd executable under test.
    static QString executable();

private:
    QProcess m_process;
    QUrl m_baseUrl;
    QByteArray m_err;
    bool m_realHashing = false;
};

// What one HTTP exchange gave.
struct ApiReply
{
    int status = 0; // 0: no HTTP answer (connection error)
    QByteArray body;
    QJsonObject json; // the body when it is a JSON object
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QString networkError;

    QString code() const { return json.value(QLatin1String("code")).toString(); }
    QString field() const { return json.value(QLatin1String("field")).toString(); }
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

// A synchronous HTTP client for one guichetd.
class ApiClient
{
public:
    explicit ApiClient(QUrl base);

    ApiReply get(const QString &path, const QString &token = {}, int timeoutMs = 30000);
    ApiReply post(const QString &path, const QJsonObject &body, const QString &token = {});
    ApiReply postRaw(const QString &path, const QByteArray &body, const QString &token = {});
    ApiReply del(const QString &path, const QString &token = {});
    ApiReply send(const QByteArray &method, const QString &path, const QByteArray &body, const QString &token,
                  int timeoutMs = 30000);

    // POST /api/v1/commands/<name> with a fresh command id unless given.
    ApiReply command(const QString &name, const QJsonObject &args, const QString &token,
                     const QString &commandId = {});
    // Signs in; the token, or empty (the reply in *reply).
    QString signIn(const QString &email, const QString &password, ApiReply *reply = nullptr);
    // A header sent with every later request (e.g. X-Forwarded-For); an empty
    // value removes it.
    void setHeader(const QByteArray &name, const QByteArray &value);

private:
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QUrl m_base;
    QNetworkAccessManager m_manager;
};

} // namespace guichet::test
