#include "uitestsupport.h"

#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "ui/widgets/dialogs.h"

#include <QSettings>
#include <QTemporaryDir>

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

} // namespace guichet::test
