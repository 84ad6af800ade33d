#include "kernel/guichetlink.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace guichet {

namespace {

const QString tokenKey = QStringLiteral("token");
const QString serverKey = QStringLiteral("server");

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

QUrl &issuingServerUrl()
{
    static QUrl server;
    return server;
}

int effectivePort(const QUrl &url)
{
    return url.port(url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 ? 443 : 80);
}

QString normalizedPath(const QUrl &url)
{
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path;
}

} // namespace

GuichetLink::GuichetLink(Action action, const QString &token, const QUrl &server)
    : m_action(action)
    , m_token(token)
    , m_server(server)
{
}

void GuichetLink::setIssuingServer(const QUrl &server)
{
    issuingServerUrl() = server;
}

QUrl GuichetLink::issuingServer()
{
    return issuingServerUrl();
}

QString GuichetLink::actionName(Action action)
{
    switch (action) {
    case Action::Reactivate:
        return QStringLiteral("reactivate");
    case Action::Activate:
        return QStringLiteral("activate");
    }
    return QString();
}

QString GuichetLink::toString() const
{
    QString link = scheme() + QStringLiteral("://") + actionName(m_action) + QLatin1Char('?') + tokenKey
        + QLatin1Char('=') + m_token;
    if (hasServer())
        link += QLatin1Char('&') + serverKey + QLatin1Char('=')
            + QString::fromLatin1(QUrl::toPercentEncoding(m_server.toString(QUrl::FullyEncoded)));
    return link;
}

bool GuichetLink::isValidToken(const QString &token)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]+$"));
    return token.size() >= MinTokenLength && token.size() <= MaxTokenLength
        && pattern.match(token).hasMatch();
}

bool GuichetLink::isValidServer(const QUrl &server)
{
    const QString scheme = server.scheme().toLower();
    return server.isValid() && (scheme == QLatin1String("https") || scheme == QLatin1String("http"))
        && !server.host().isEmpty() && server.userInfo().isEmpty() && !server.hasQuery()
        && !server.hasFragment();
}

bool GuichetLink::sameServer(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0
        && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && effectivePort(a) == effectivePort(b)
        && normalizedPath(a) == normalizedPath(b);
}

QString GuichetLink::serverLabel(const QUrl &server)
{
    QString text = server.toDisplayString();
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

bool GuichetLink::looksLikeLink(const QString &text)
{
    return text.trimmed().startsWith(scheme() + QLatin1Char(':'), Qt::CaseInsensitive);
}

std::optional<GuichetLink> GuichetLink::parse(const QString &input, QString *error)
{
    const QString text = input.trimmed();
    if (text.size() > MaxLength) {
        setError(error,
                 tr("This link is too long (%1 characters, at most %2): it was not made by Guichet.")
                     .arg(text.size())
                     .arg(MaxLength));
        return std::nullopt;
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme().compare(scheme(), Qt::CaseInsensitive) != 0) {
        setError(error, tr("This is not a Guichet link: it should start with guichet://."));
        return std::nullopt;
    }
    const QString host = url.host().toLower();
    std::optional<Action> action;
    for (const Action candidate : { Action::Reactivate, Action::Activate }) {
        if (host == actionName(candidate))
            action = candidate;
    }
    if (!action) {
        setError(error,
                 host.isEmpty() ? tr("This Guichet link says nothing to do.")
                                : tr("This Guichet link asks for « %1 », which this version of Guichet "
                                     "does not know.")
                                      .arg(host.left(64)));
        return std::nullopt;
    }
    if (!url.userInfo().isEmpty() || url.port() != -1
        || (!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasFragment()) {
        setError(error,
                 tr("This Guichet link has parts that Guichet links do not have: it may have been "
                    "altered."));
        return std::nullopt;
    }
    const QUrlQuery query(url);
    QString token;
    QUrl server;
    int tokens = 0;
    int servers = 0;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == tokenKey) {
            ++tokens;
            token = value;
        } else if (key == serverKey) {
            ++servers;
            server = QUrl(value, QUrl::StrictMode);
        } else {
            setError(error,
                     tr("This Guichet link has an unknown part « %1 »: it may have been altered.")
                         .arg(key.left(64)));
            return std::nullopt;
        }
    }
    if (tokens > 1 || servers > 1) {
        setError(error, tr("This Guichet link repeats a part: it may have been altered."));
        return std::nullopt;
    }
    if (token.isEmpty()) {
        setError(error, tr("This Guichet link has no code: copy the whole link from the mail."));
        return std::nullopt;
    }
    if (!isValidToken(token)) {
        setError(error,
                 tr("The code of this Guichet link is not valid: copy the whole link from the mail, or "
                    "paste the code the mail gives."));
        return std::nullopt;
    }
    if (servers == 1 && !isValidServer(server)) {
        setError(error, tr("The server named by this Guichet link is not a valid address."));
        return std::nullopt;
    }
    return GuichetLink(*action, token, server);
}

} // namespace guichet
