#include "uitestsupport.h"

#include "commands/commandargs.h"
#include "mail/mailoutbox.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "ui/account/accountpage.h"
#include "ui/account/reactivationdialog.h"
#include "ui/account/signupdialog.h"
#include "ui/widgets/dialogs.h"

#include <QLineEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

namespace guichet::test {

UiWorld::UiWorld()
{
    PasswordHasher::setFastHashingForTests(true);
    Dialogs::clear();
    // Preferences of a test never reach the user's own.
    static QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    QSettings().clear();
    if (!t.isValid())
        return;
    core = std::make_unique<Core>(t.db(), clock);
    gateway = std::make_unique<LocalCommandGateway>(*core);
    directory = std::make_unique<LocalDirectory>(*core, *gateway);
    session = std::make_unique<Session>(Session { *core, clock, *gateway, *directory });
}

qint64 UiWorld::createUser(const QString &email, const QString &firstName, const QString &lastName,
                           bool support)
{
    NewUser user;
    user.email = email;
    user.firstName = firstName;
    user.lastName = lastName;
    user.password = QStringLiteral("Tournesol-2026");
    user.support = support;
    user.language = QStringLiteral("en"); // mails are in the recipient's language: read the source text
    return Accounts(*core).createUser(user).id;
}

bool UiWorld::signIn(const QString &email, const QString &password)
{
    bool ok = false;
    gateway->signIn(email, password, [&ok](const CommandResult &r) { ok = r.ok(); });
    return ok;
}

bool SignedInWindowWorld::init()
{
    if (!isValid())
        return false;
    alice = createUser(QStringLiteral("alice@example.org"));
    if (!signIn(QStringLiteral("alice@example.org")))
        return false;
    window = std::make_unique<MainWindow>(*session);
    window->show();
    return QTest::qWaitForWindowExposed(window.get());
}

QWidget *SignedInWindowWorld::showAccountSection(const QString &name)
{
    window->accountPage()->showSection(name);
    return window->accountPage()->currentSection();
}

QString SignedInWindowWorld::column(const char *name)
{
    return db()
        .value(QStringLiteral("SELECT %1 FROM users WHERE id = ?").arg(QLatin1String(name)), { alice })
        .toString();
}

SignUpRequest ninaSignUp()
{
    SignUpRequest request;
    request.email = QStringLiteral("nina@example.org");
    request.firstName = QStringLiteral("Nina");
    request.lastName = QStringLiteral("Petit");
    request.password = QStringLiteral("Tournesol 2026!");
    request.secretQuestion = QStringLiteral("Q ?");
    request.secretAnswer = QStringLiteral("A");
    return request;
}

bool DeactivatedAccountWorld::init()
{
    if (!isValid())
        return false;
    alice = createUser(QStringLiteral("alice@example.org"));
    if (!signIn(QStringLiteral("alice@example.org")))
        return false;
    bool ok = false;
    gateway->send(commands::deactivateAccount(), [&ok](const CommandResult &r) { ok = r.ok(); });
    gateway->signOut();
    return ok;
}

QString DeactivatedAccountWorld::status()
{
    return db().value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { alice }).toString();
}

QString DeactivatedAccountWorld::lastMail()
{
    return MailOutbox(*core).forUser(alice).value(0).bodyText;
}

QString guichetLinkIn(const QString &mailText)
{
    return QRegularExpression(QStringLiteral("guichet://\\S+")).match(mailText).captured(0);
}

void typeSignUp(SignUpDialog *dialog, const QString &email)
{
    dialog->emailEdit()->clear();
    QTest::keyClicks(dialog->emailEdit(), email);
    QTest::keyClicks(dialog->firstNameEdit(), QStringLiteral("Nina"));
    QTest::keyClicks(dialog->lastNameEdit(), QStringLiteral("Petit"));
    QTest::keyClicks(dialog->passwordEdit(), QLatin1String(signUpPassword));
    QTest::keyClicks(dialog->confirmationEdit(), QLatin1String(signUpPassword));
    QTest::keyClicks(dialog->questionEdit(), QStringLiteral("Ma ville natale ?"));
    QTest::keyClicks(dialog->answerEdit(), QStringLiteral("Lyon"));
}

void typeNewSecrets(ReactivationDialog *dialog)
{
    QTest::keyClicks(dialog->passwordEdit(), QLatin1String(reactivationPassword));
    QTest::keyClicks(dialog->confirmationEdit(), QLatin1String(reactivationPassword));
    QTest::keyClicks(dialog->questionEdit(), QStringLiteral("My first cat?"));
    QTest::keyClicks(dialog->answerEdit(), QStringLiteral("Filou"));
}

} // namespace guichet::test
