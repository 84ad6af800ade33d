#include "kernel/guichetlink.h"
#include "rules/accounts/passwords.h"

#include <QTest>

using namespace guichet;

namespace {
const QString token = QStringLiteral("Ab_9-xYz0123456789_-AbCdEfGhIjKlMnOpQrStUv");
}

class TestGuichetLink : public QObject
{
    Q_OBJECT

private slots:
    void validLinks_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("server");
        QTest::newRow("as mailed") << QStringLiteral("guichet://reactivate?token=") + token << QString();
        QTest::newRow("spaces around")
            << QStringLiteral("  guichet://reactivate?token=") + token + QStringLiteral("\n") << QString();
        QTest::newRow("upper-case scheme and action")
            << QStringLiteral("GUICHET://Reactivate?token=") + token << QString();
        QTest::newRow("trailing slash")
            << QStringLiteral("guichet://reactivate/?token=") + token << QString();
        QTest::newRow("with a server") << QStringLiteral("guichet://reactivate?token=") + token
                + QStringLiteral("&server=https%3A%2F%2Fguichet.example.org")
                                       << QStringLiteral("https://guichet.example.org");
        QTest::newRow("activation") << QStringLiteral("guichet://activate?token=") + token << QString();
        QTest::newRow("server first, with a port")
            << QStringLiteral("guichet://reactivate?server=https%3A%2F%2Fguichet.example.org%3A8443&token=")
                + token
            << QStringLiteral("https://guichet.example.org:8443");
    }
    void validLinks()
    {
        QFETCH(QString, link);
        QFETCH(QString, server);
        QString error;
        const auto parsed = GuichetLink::parse(link, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->action(),
                 link.toLower().contains(QLatin1String("//activate")) ? GuichetLink::Action::Activate
                                                                      : GuichetLink::Action::Reactivate);
        QCOMPARE(parsed->token(), token);
        QCOMPARE(parsed->server(), QUrl(server));
        QCOMPARE(parsed->hasServer(), !server.isEmpty());
    }

    void theMailedLinkParsesBack()
    {
        // The reactivation mail writes its link with the builder; a real token
        // (32 random bytes, base64url) must come back whole, with or without server.
        const QString secret = newSecretToken();
        for (const QUrl &server :
             { QUrl(), QUrl(QStringLiteral("https://guichet.example.org:8443/portal")) }) {
            const GuichetLink link(GuichetLink::Action::Reactivate, secret, server);
            QString error;
            const auto parsed = GuichetLink::parse(link.toString(), &error);
            QVERIFY2(parsed, qPrintable(error));
            QCOMPARE(parsed->token(), secret);
            QVERIFY(GuichetLink::sameServer(parsed->server(), server) || server.isEmpty());
            QCOMPARE(parsed->hasServer(), !server.isEmpty());
        }
        QCOMPARE(GuichetLink(GuichetLink::Action::Reactivate, secret).toString(),
                 QStringLiteral("guichet://reactivate?token=") + secret);
        // The activation mail's link (« Créer un compte »).
        QCOMPARE(GuichetLink(GuichetLink::Action::Activate, secret).toString(),
                 QStringLiteral("guichet://activate?token=") + secret);
        QCOMPARE(GuichetLink::parse(QStringLiteral("guichet://activate?token=") + secret)->action(),
                 GuichetLink::Action::Activate);
    }

    void theIssuingServerIsNamedByDefault()
    {
        QVERIFY(GuichetLink::issuingServer().isEmpty());
        const QUrl server(QStringLiteral("https://guichet.example.org"));
        GuichetLink::setIssuingServer(server);
        QCOMPARE(GuichetLink::issuingServer(), server);
        GuichetLink::setIssuingServer(QUrl());
        QVERIFY(GuichetLink::issuingServer().isEmpty());
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("reason");
        const QString tail = QStringLiteral("?token=") + token;
        QTest::newRow("empty") << QString() << QStringLiteral("not a Guichet link");
        QTest::newRow("wrong scheme")
            << QStringLiteral("https://reactivate") + tail << QStringLiteral("not a Guichet link");
        QTest::newRow("look-alike scheme")
            << QStringLiteral("guichets://reactivate") + tail << QStringLiteral("not a Guichet link");
        QTest::newRow("unknown action")
            << QStringLiteral("guichet://delete-account") + tail << QStringLiteral("« delete-account »");
        QTest::newRow("no action") << QStringLiteral("guichet:") + tail
                                   << QStringLiteral("says nothing to do");
        QTest::newRow("overlong") << QStringLiteral("guichet://reactivate") + tail + QStringLiteral("&x=")
                + QString(GuichetLink::MaxLength, QLatin1Char('a'))
                                  << QStringLiteral("too long");
        QTest::newRow("no token") << QStringLiteral("guichet://reactivate") << QStringLiteral("no code");
        QTest::newRow("empty token") << QStringLiteral("guichet://reactivate?token=")
                                     << QStringLiteral("no code");
        QTest::newRow("bad token characters")
            << QStringLiteral("guichet://reactivate?token=") + token.left(20) + QStringLiteral("%27%3B--")
            << QStringLiteral("code of this Guichet link is not valid");
        QTest::newRow("token with a space") << QStringLiteral("guichet://reactivate?token=") + token.left(20)
                + QStringLiteral("%20abc") << QStringLiteral("code of this Guichet link is not valid");
        QTest::newRow("short token") << QStringLiteral("guichet://reactivate?token=abc")
                                     << QStringLiteral("code of this Guichet link is not valid");
        QTest::newRow("overlong token") << QStringLiteral("guichet://reactivate?token=")
                + QString(GuichetLink::MaxTokenLength + 1, QLatin1Char('a'))
                                        << QStringLiteral("code of this Guichet link is not valid");
        QTest::newRow("two tokens") << QStringLiteral("guichet://reactivate") + tail
                + QStringLiteral("&token=")
                + token << QStringLiteral("repeats a part");
        QTest::newRow("unknown parameter")
            << QStringLiteral("guichet://reactivate") + tail + QStringLiteral("&next=https://evil.example")
            << QStringLiteral("unknown part « next »");
        QTest::newRow("a path") << QStringLiteral("guichet://reactivate/now") + tail
                                << QStringLiteral("may have been altered");
        QTest::newRow("user info") << QStringLiteral("guichet://someone@reactivate") + tail
                                   << QStringLiteral("may have been altered");
        QTest::newRow("server not http")
            << QStringLiteral("guichet://reactivate") + tail + QStringLiteral("&server=file%3A%2F%2F%2Fetc")
            << QStringLiteral("server named by this Guichet link");
        QTest::newRow("server with credentials") << QStringLiteral("guichet://reactivate") + tail
                + QStringLiteral("&server=https%3A%2F%2Fu%3Ap%40guichet.example.org")
                                                 << QStringLiteral("server named by this Guichet link");
    }
    void refusals()
    {
        QFETCH(QString, link);
        QFETCH(QString, reason);
        QString error;
        QVERIFY(!GuichetLink::parse(link, &error));
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void otherServer()
    {
        // The desktop compares the link's server with the one it uses: the same
        // address written differently is the same server, another is not.
        const QUrl configured(QStringLiteral("https://guichet.example.org"));
        QVERIFY(GuichetLink::sameServer(configured, QUrl(QStringLiteral("HTTPS://Guichet.Example.org/"))));
        QVERIFY(GuichetLink::sameServer(configured, QUrl(QStringLiteral("https://guichet.example.org:443"))));
        QVERIFY(!GuichetLink::sameServer(configured, QUrl(QStringLiteral("https://other.example.org"))));
        QVERIFY(!GuichetLink::sameServer(configured, QUrl(QStringLiteral("http://guichet.example.org"))));
        QVERIFY(
            !GuichetLink::sameServer(configured, QUrl(QStringLiteral("https://guichet.example.org:8443"))));
        const auto parsed = GuichetLink::parse(QStringLiteral("guichet://reactivate?token=") + token
                                               + QStringLiteral("&server=https%3A%2F%2Fother.example.org"));
        QVERIFY(parsed);
        QVERIFY(!GuichetLink::sameServer(parsed->server(), configured));
        QCOMPARE(GuichetLink::serverLabel(parsed->server()), QStringLiteral("https://other.example.org"));
    }

    void pastedTextLooksLikeALink()
    {
        QVERIFY(GuichetLink::looksLikeLink(QStringLiteral(" guichet://reactivate?token=") + token));
        QVERIFY(GuichetLink::looksLikeLink(QStringLiteral("Guichet:reactivate")));
        QVERIFY(!GuichetLink::looksLikeLink(token));
    }
};

QTEST_GUILESS_MAIN(TestGuichetLink)
#include "tst_guichetlink.moc"
