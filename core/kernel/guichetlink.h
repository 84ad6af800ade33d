#pragma once

#include <QCoreApplication>
#include <QString>
#include <QUrl>

#include <optional>

namespace guichet {

// A link that opens Guichet, as the mails carry it:
//   guichet://reactivate?token=CODE[&server=https://guichet.example.org]
// The action is the link's host; the token is the code the mail also gives to
// paste; the server, when present, is the guichetd the token belongs to (no
// server: the database of the Guichet that opens it). Parsing is strict: one
// known action, a token of base64url characters of a bounded length, at most
// one of each parameter and no other, a server that checkServer() accepts, and
// the whole link at most MaxLength characters. Every refusal is a sentence for
// the user. A new kind of link (activation, invitation) is a new Action here
// and a handler in the desktop's LinkHandler.
class GuichetLink
{
    Q_DECLARE_TR_FUNCTIONS(guichet::GuichetLink)

public:
    enum class Action {
        Reactivate, // « Réactiver mon compte »: the reactivation mail
        Activate, // « Créer un compte »: the activation mail
    };

    static constexpr int MaxLength = 2048;
    static constexpr int MinTokenLength = 16;
    static constexpr int MaxTokenLength = 128;

    GuichetLink(Action action, const QString &token, const QUrl &server = {});

    Action action() const { return m_action; }
    QString token() const { return m_token; }
    // Empty when the link names no server.
    QUrl server() const { return m_server; }
    bool hasServer() const { return !m_server.isEmpty(); }

    // The link as the mails write it.
    QString toString() const;

    // The server that the links mailed by this process name: guichetd's
    // --public-url; empty (links without server) by default, as in standalone
    // mode. Set once at start-up, before any command runs.
    static void setIssuingServer(const QUrl &server);
    static QUrl issuingServer();

    static QString scheme() { return QStringLiteral("guichet"); }
    static QString actionName(Action action);
    // The link in `text` (surrounding spaces ignored), or nullopt with `error`
    // set to a sentence naming what is wrong.
    static std::optional<GuichetLink> parse(const QString &text, QString *error = nullptr);
    // Whether a pasted text looks like a link rather than a bare code.
    static bool looksLikeLink(const QString &text);
    // Whether `token` has the characters and length of a code.
    static bool isValidToken(const QString &token);
    // A server a link may name: http or https, a host, no user, query nor fragment.
    static bool isValidServer(const QUrl &server);
    // Whether two server addresses name the same server: scheme and host
    // ignoring case, the default port made explicit, a trailing slash ignored.
    static bool sameServer(const QUrl &a, const QUrl &b);
    // How a message names a server: its address without a trailing slash.
    static QString serverLabel(const QUrl &server);

private:
    Action m_action;
    QString m_token;
    QUrl m_server;
};

} // namespace guichet
