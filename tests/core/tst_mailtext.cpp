#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "mail/mailoutbox.h"
#include "mail/mailtext.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/spaces/subscriptions.h"
#include "rules/support/solicitations.h"
#include "testdatabase.h"
#include "translations/translations.h"

#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace guichet;
using namespace guichet::test;

namespace {

// A structure whose name needs escaping in HTML, its principal manager and
// two requesters, one French-speaking and one English-speaking.
struct World : CoreWorld
{
    std::unique_ptr<Attachments> attachments;
    std::unique_ptr<Subscriptions> subscriptions;
    std::unique_ptr<Accounts> accounts;
    std::unique_ptr<Solicitations> solicitations;
    qint64 paul = 0, fr = 0, en = 0, support = 0, s = 0;

    bool setUp()
    {
        if (!isValid())
            return false;
        Database &db = t.db();
        attachments = std::make_unique<Attachments>(*core);
        subscriptions = std::make_unique<Subscriptions>(*core);
        accounts = std::make_unique<Accounts>(*core);
        solicitations = std::make_unique<Solicitations>(*core);
        paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        fr = insertUser(db, QStringLiteral("francoise@example.org"), QStringLiteral("Françoise"));
        en = insertUser(db, QStringLiteral("emma@example.org"), QStringLiteral("Emma"));
        support = insertUser(db, QStringLiteral("support@example.org"), QStringLiteral("Sam"),
                             QStringLiteral("Support"), true);
        setLanguage(fr, QStringLiteral("fr"));
        setLanguage(en, QStringLiteral("en"));
        s = insertStructure(db, validSiret(1), QStringLiteral("Dupont & Fils"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        return true;
    }
    void setLanguage(qint64 user, const QString &language)
    {
        t.db().exec(QStringLiteral("UPDATE users SET language = ? WHERE id = ?"), { language, user });
    }
    OutboxMail lastMail(qint64 user) const { return MailOutbox(*core).forUser(user).value(0); }
    qint64 pendingRequest(qint64 user)
    {
        AttachmentRequest request;
        request.structureId = s;
        request.validFrom = QDate(2026, 3, 2);
        return attachments->requestAttachment(user, request).id;
    }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    GUICHET_REQUIRE_DB(w.t);                                                                                 \
    QVERIFY(w.setUp())

// Every mail is also HTML, with the structure's name escaped.
void checkHtml(const OutboxMail &mail, const QString &sentence)
{
    QVERIFY2(mail.bodyHtml.contains(sentence.toHtmlEscaped()), qPrintable(mail.bodyHtml));
    QVERIFY2(!mail.bodyHtml.contains(QLatin1String("Dupont & Fils")), qPrintable(mail.bodyHtml));
}

} // namespace

// Mails are written in the recipient's language (users.language), whatever
// language the application runs in: each test runs with the English and the
// French catalogue installed.
class TestMailText : public QObject
{
    Q_OBJECT

private:
    void uiLanguages()
    {
        QTest::addColumn<QString>("ui");
        QTest::newRow("ui en") << QStringLiteral("en");
        QTest::newRow("ui fr") << QStringLiteral("fr");
    }
    void installUi()
    {
        QFETCH(QString, ui);
        QVERIFY(installTranslations(QLocale(ui == QLatin1String("fr") ? QLocale::French : QLocale::English)));
    }

private slots:
    void cleanup() { installTranslations(QLocale(QLocale::English)); }

    void translatesForALanguageWithoutInstallingIt()
    {
        QVERIFY(installTranslations(QLocale(QLocale::English)));
        QCOMPARE(MailText(QStringLiteral("fr")).translate("guichet::Attachments", "Attachment removed"),
                 QStringLiteral("Rattachement supprimé"));
        QCOMPARE(MailText(QStringLiteral("en")).translate("guichet::Attachments", "Attachment removed"),
                 QStringLiteral("Attachment removed"));
        // The application's own language is untouched.
        QCOMPARE(QCoreApplication::translate("guichet::Attachments", "Attachment removed"),
                 QStringLiteral("Attachment removed"));
        QVERIFY(installTranslations(QLocale(QLocale::French)));
        QCOMPARE(MailText(QStringLiteral("en")).translate("guichet::Attachments", "Attachment removed"),
                 QStringLiteral("Attachment removed"));
        // Unknown languages get the portal's default; %n takes the number.
        QCOMPARE(MailText(QStringLiteral("de")).language(), QStringLiteral("fr"));
        QCOMPARE(MailText(QStringLiteral("en")).translate("guichet::Digests", "… and %n more.", nullptr, 3),
                 QStringLiteral("… and 3 more."));
    }

    void languageOfTheAccount()
    {
        WORLD(w);
        QCOMPARE(MailText::languageOf(w.t.db(), w.en), QStringLiteral("en"));
        QCOMPARE(MailText::languageOf(w.t.db(), w.fr), QStringLiteral("fr"));
        QCOMPARE(MailText::languageOf(w.t.db(), 0), QStringLiteral("fr"));
    }

    void bodyEscapesUserDataInHtml()
    {
        MailBody body;
        body.paragraph(QStringLiteral("Hello <b>Dupont & Fils</b>,\n\nOpen guichet://reactivate?token=a_b"))
            .heading(QStringLiteral("Yours"))
            .list({ QStringLiteral("one <i>"), QStringLiteral("two") });
        QVERIFY(body.text().contains(QLatin1String("Hello <b>Dupont & Fils</b>,\n\nOpen guichet://")));
        QVERIFY(body.text().contains(QLatin1String("- one <i>\n- two")));
        QVERIFY(body.html().contains(QLatin1String("<p>Hello &lt;b&gt;Dupont &amp; Fils&lt;/b&gt;,</p>")));
        QVERIFY(body.html().contains(
            QLatin1String("<a href=\"guichet://reactivate?token=a_b\">guichet://reactivate?token=a_b</a>")));
        QVERIFY(body.html().contains(QLatin1String("<li>one &lt;i&gt;</li>")));
        QVERIFY(!body.html().contains(QLatin1String("<b>")));
    }

    void attachmentRequestMail_data() { uiLanguages(); }
    void attachmentRequestMail()
    {
        installUi();
        WORLD(w);
        w.setLanguage(w.paul, QStringLiteral("fr"));
        QVERIFY(w.pendingRequest(w.fr));
        OutboxMail mail = w.lastMail(w.paul);
        QCOMPARE(mail.subject, QStringLiteral("Une demande de rattachement attend votre décision"));
        QVERIFY2(mail.bodyText.contains(
                     QStringLiteral("Françoise Martin demande à être rattaché à Dupont & Fils")),
                 qPrintable(mail.bodyText));
        checkHtml(mail, QStringLiteral("demande à être rattaché à Dupont & Fils"));
        w.setLanguage(w.paul, QStringLiteral("en"));
        QVERIFY(w.pendingRequest(w.en));
        mail = w.lastMail(w.paul);
        QCOMPARE(mail.subject, QStringLiteral("An attachment request waits for you"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Emma Martin asks to be attached to Dupont & Fils")));
        checkHtml(mail, QStringLiteral("asks to be attached to Dupont & Fils"));
    }

    void attachmentDecisionMail_data() { uiLanguages(); }
    void attachmentDecisionMail()
    {
        installUi();
        WORLD(w);
        QVERIFY(
            w.attachments->decideAttachment(w.paul, w.pendingRequest(w.fr), true, QStringLiteral("Bienvenue"))
                .ok());
        QVERIFY(w.attachments->decideAttachment(w.paul, w.pendingRequest(w.en), false, QStringLiteral("No"))
                    .ok());
        OutboxMail mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Demande de rattachement validée"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Votre demande de rattachement à Dupont & Fils")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("a été validée")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Bienvenue")));
        checkHtml(mail, QStringLiteral("Votre demande de rattachement à Dupont & Fils"));
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("Attachment request refused"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Your attachment request to Dupont & Fils")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Comment: No")));
        checkHtml(mail, QStringLiteral("Your attachment request to Dupont & Fils"));
    }

    void attachmentRemovedMail_data() { uiLanguages(); }
    void attachmentRemovedMail()
    {
        installUi();
        WORLD(w);
        const qint64 a = insertAttachment(w.t.db(), w.fr, w.s, QStringLiteral("user"));
        const qint64 b = insertAttachment(w.t.db(), w.en, w.s, QStringLiteral("user"));
        QVERIFY(w.attachments->removeAttachments(w.paul, { a, b }).ok());
        OutboxMail mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Rattachement supprimé"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("a été supprimé par un gestionnaire")));
        checkHtml(mail, QStringLiteral("Votre rattachement à Dupont & Fils"));
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("Attachment removed"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("was removed by a manager")));
        checkHtml(mail, QStringLiteral("Your attachment to Dupont & Fils"));
    }

    void newPrincipalMail_data() { uiLanguages(); }
    void newPrincipalMail()
    {
        installUi();
        WORLD(w);
        const qint64 principal
            = w.t.db()
                  .value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ?"), { w.paul })
                  .toLongLong();
        insertAttachment(w.t.db(), w.fr, w.s, QStringLiteral("user"));
        QVERIFY(w.attachments->removeAttachments(w.support, { principal }, { { w.s, w.fr } }).ok());
        OutboxMail mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Vous êtes désormais gestionnaire principal"));
        checkHtml(mail, QStringLiteral("Vous êtes désormais le gestionnaire principal de Dupont & Fils"));
        // And back, to the English speaker.
        const qint64 now
            = w.t.db()
                  .value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ? AND role = "
                                        "'principal'"),
                         { w.fr })
                  .toLongLong();
        insertAttachment(w.t.db(), w.en, w.s, QStringLiteral("user"));
        QVERIFY(w.attachments->removeAttachments(w.support, { now }, { { w.s, w.en } }).ok());
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("You are now principal manager"));
        checkHtml(mail, QStringLiteral("You are now the principal manager of Dupont & Fils"));
    }

    void subscriptionMails_data() { uiLanguages(); }
    void subscriptionMails()
    {
        installUi();
        WORLD(w);
        insertAttachment(w.t.db(), w.fr, w.s, QStringLiteral("user"));
        insertAttachment(w.t.db(), w.en, w.s, QStringLiteral("user"));
        SubscriptionRequest request;
        request.structureId = w.s;
        request.spaceCode = QStringLiteral("factures_recues");
        request.lines = { { 0, false, true } };
        request.effectiveDate = QDate(2026, 3, 2);
        // The principal manager is asked in his language.
        w.setLanguage(w.paul, QStringLiteral("fr"));
        const qint64 first = w.subscriptions->requestSubscription(w.fr, request).id;
        QVERIFY(first);
        OutboxMail mail = w.lastMail(w.paul);
        QCOMPARE(mail.subject, QStringLiteral("Une demande d'abonnement attend votre décision"));
        checkHtml(mail, QStringLiteral("demande l'espace Factures reçues sur Dupont & Fils"));
        w.setLanguage(w.paul, QStringLiteral("en"));
        const qint64 second = w.subscriptions->requestSubscription(w.en, request).id;
        QVERIFY(second);
        mail = w.lastMail(w.paul);
        QCOMPARE(mail.subject, QStringLiteral("A subscription request waits for you"));
        checkHtml(mail, QStringLiteral("asks for the space Factures reçues on Dupont & Fils"));
        // Each requester learns the decision in their own language, in one decision.
        QVERIFY(w.subscriptions->decideSubscriptions(w.paul, { first, second }, true).ok());
        mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Demande d'abonnement validée"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Votre demande d'abonnement a été validée :")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Dupont & Fils — Factures reçues")));
        checkHtml(mail, QStringLiteral("Dupont & Fils — Factures reçues"));
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("Subscription request validated"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Your subscription request was validated:")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("whole structure")));
    }

    void reactivationMail_data() { uiLanguages(); }
    void reactivationMail()
    {
        installUi();
        WORLD(w);
        w.t.db().exec(
            QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id IN (?, ?)"),
            { w.clock.nowMs() - 3600 * 1000, w.fr, w.en });
        QVERIFY(w.accounts->requestReactivation(QStringLiteral("francoise@example.org")).ok());
        QVERIFY(w.accounts->requestReactivation(QStringLiteral("emma@example.org")).ok());
        OutboxMail mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Réactivez votre compte Guichet"));
        QVERIFY(
            mail.bodyText.contains(QStringLiteral("Pour réactiver votre compte Guichet, ouvrez ce lien")));
        QVERIFY(mail.bodyHtml.contains(QLatin1String("<a href=\"guichet://reactivate?token=")));
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("Reactivate your Guichet account"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("To reactivate your Guichet account, open this link")));
        QVERIFY(mail.bodyHtml.contains(QLatin1String("<a href=\"guichet://reactivate?token=")));
        // Read on another device: the code alone, on a line of its own, and
        // where to paste it; the same code as the link's.
        const QString token
            = QRegularExpression(QStringLiteral("guichet://reactivate\\?token=([A-Za-z0-9_-]+)"))
                  .match(mail.bodyText)
                  .captured(1);
        QVERIFY(!token.isEmpty());
        QVERIFY(mail.bodyText.contains(QStringLiteral("\n") + token + QStringLiteral("\n")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("another device")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("\"I already have a code\"")));
        mail = w.lastMail(w.fr);
        QVERIFY(mail.bodyText.contains(QStringLiteral("autre appareil")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("« J'ai déjà un code »")));
    }

    void lockMail_data() { uiLanguages(); }
    void lockMail()
    {
        installUi();
        WORLD(w);
        for (const QString &email :
             { QStringLiteral("francoise@example.org"), QStringLiteral("emma@example.org") }) {
            for (int i = 0; i < 5; ++i) {
                w.accounts->authenticate(email, QStringLiteral("wrong password"));
                w.clock.advanceSecs(10);
            }
        }
        OutboxMail mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Votre compte Guichet est verrouillé"));
        QVERIFY2(mail.bodyText.contains(QStringLiteral("Bonjour Françoise")), qPrintable(mail.bodyText));
        QVERIFY(mail.bodyHtml.contains(QStringLiteral("Bonjour Françoise")));
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("Your Guichet account is locked"));
        QVERIFY(mail.bodyText.contains(QStringLiteral("After 5 failed sign-ins in a row")));
    }

    void solicitationReplyMail_data() { uiLanguages(); }
    void solicitationReplyMail()
    {
        installUi();
        WORLD(w);
        for (const qint64 user : { w.fr, w.en }) {
            const qint64 id
                = w.solicitations
                      ->createSolicitation(user,
                                           { QStringLiteral("access"), QStringLiteral("No <invoices>"),
                                             QStringLiteral("Help") })
                      .id;
            QVERIFY(id);
            QVERIFY(w.solicitations->reply(w.support, id, QStringLiteral("Which structure?")).ok());
        }
        OutboxMail mail = w.lastMail(w.fr);
        QCOMPARE(mail.subject, QStringLiteral("Réponse à votre demande : No <invoices>"));
        QVERIFY(
            mail.bodyText.contains(QStringLiteral("Le support a répondu à votre demande « No <invoices> » "
                                                  "(statut : En attente de l'émetteur)")));
        QVERIFY(mail.bodyHtml.contains(QLatin1String("No &lt;invoices&gt;")));
        mail = w.lastMail(w.en);
        QCOMPARE(mail.subject, QStringLiteral("Reply to your request: No <invoices>"));
        QVERIFY(mail.bodyText.contains(QStringLiteral(
            "Support replied to your request \"No <invoices>\" (status: Waiting for the sender)")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("Which structure?")));
    }
};

QTEST_GUILESS_MAIN(TestMailText)
#include "tst_mailtext.moc"
