#include "apiclient.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

#include <csignal>

namespace guichet::test {

Guichetd::~Guichetd()
{
    if (m_process.state() != QProcess::NotRunning)
        stop();
}

bool Guichetd::start(const QString &database, const QStringList &extraArgs, QString *error)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (m_realHashing)
        env.remove(QStringLiteral("GUICHET_FAST_HASH"));
    else
        env.insert(QStringLiteral("GUICHET_FAST_HASH"), QStringLiteral("1"));
    m_process.setProcessEnvironment(env);
    // Every test client is 127.0.0.1: the anonymous routes' throttle stays out
    // of the way unless a test sets --anonymous-rate itself.
    QStringList throttle;
    if (!extraArgs.contains(QStringLiteral("--anonymous-rate")))
        throttle = QStringList { QStringLiteral("--anonymous-rate"), QStringLiteral("1000000") };
    m_process.start(QStringLiteral(GUICHETD_PATH),
                    QStringList { QStringLiteral("--database"), database, QStringLiteral("--listen"),
                                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--language"),
                                  QStringLiteral("en") }
                        + throttle + extraArgs);
    QByteArray out;
    const QRegularExpression listening(QStringLiteral("listening on (https?://127\\.0\\.0\\.1:\\d+)"));
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(200) && m_process.state() == QProcess::NotRunning)
            break;
        out += m_process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch()) {
            m_baseUrl = QUrl(match.captured(1));
            return true;
        }
    }
    if (error)
        *error = QStringLiteral("guichetd did not start: %1 %2")
                     .arg(QString::fromUtf8(out), QString::fromUtf8(m_process.readAllStandardError()));
    return false;
}

int Guichetd::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    m_err += m_process.readAllStandardError();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString Guichetd::executable()
{
    return QStringLiteral(GUICHETD_PATH);
}

QString Guichetd::log()
{
    m_err += m_process.readAllStandardError();
    return QString::fromUtf8(m_err);
}

ApiClient::ApiClient(QUrl base)
    : m_base(std::move(base))
{
}

ApiReply ApiClient::send(const QByteArray &method, const QString &path, const QByteArray &body,
                         const QString &token, int timeoutMs)
{
    QUrl url = m_base;
    const int question = path.indexOf(QLatin1Char('?'));
    url.setPath(question < 0 ? path : path.left(question));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    for (const auto &[name, value] : std::as_const(m_headers))
        request.setRawHeader(name, value);
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = m_manager.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    ApiReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    for (const auto &pair : reply->rawHeaderPairs())
        r.headers.insert(pair.first.toLower(), pair.second);
    if (reply->error() != QNetworkReply::NoError && r.status == 0)
        r.networkError = reply->errorString();
    reply->deleteLater();
    return r;
}

void ApiClient::setHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.removeIf([&name](const QPair<QByteArray, QByteArray> &h) { return h.first == name; });
    if (!value.isEmpty())
        m_headers.append({ name, value });
}

ApiReply ApiClient::get(const QString &path, const QString &token, int timeoutMs)
{
    return send("GET", path, {}, token, timeoutMs);
}

ApiReply ApiClient::post(const QString &path, const QJsonObject &body, const QString &token)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

ApiReply ApiClient::postRaw(const QString &path, const QByteArray &body, const QString &token)
{
    return send("POST", path, body, token);
}

ApiReply ApiClient::del(const QString &path, const QString &token)
{
    return send("DELETE", path, {}, token);
}

ApiReply ApiClient::command(const QString &name, const QJsonObject &args, const QString &token,
                            const QString &commandId)
{
    return post(QStringLiteral("/api/v1/commands/") + name,
                { { QStringLiteral("commandId"),
                    commandId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : commandId },
                  { QStringLiteral("args"), args } },
                token);
}

QString ApiClient::signIn(const QString &email, const QString &password, ApiReply *reply)
{
    const ApiReply r = post(QStringLiteral("/api/v1/session"),
                            { { QStringLiteral("email"), email }, { QStringLiteral("password"), password } });
    if (reply)
        *reply = r;
    return r.status == 200 ? r.json.value(QLatin1String("token")).toString() : QString();
}

} // namespace guichet::test
