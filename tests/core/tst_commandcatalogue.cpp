#include "client/remotecommandgateway.h"
#include "commands/commandargs.h"
#include "commands/commandcatalogue.h"
#include "commands/commanddispatcher.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "testdatabase.h"

#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

const QString kCommandsDoc = QStringLiteral(GUICHET_SOURCE_DIR "/docs/COMMANDS.md");

// A value of the declared type, for every argument of a command.
QJsonValue sampleOf(ArgType type)
{
    switch (type) {
    case ArgType::Text:
        return QStringLiteral("x");
    case ArgType::Flag:
        return true;
    case ArgType::Id:
        return 1;
    case ArgType::Ids:
        return QJsonArray { 1, 2 };
    case ArgType::Date:
        return QStringLiteral("2026-03-01");
    case ArgType::Base64:
        return QString::fromLatin1(QByteArrayLiteral("content").toBase64());
    case ArgType::Successors:
        return QJsonObject { { QLatin1String(argKey::forAll), 1 } };
    case ArgType::SubscriptionLines:
        return QJsonArray { QJsonObject { { QLatin1String(argKey::serviceId), 1 },
                                          { QLatin1String(argKey::modification), true } } };
    case ArgType::Texts:
        return QJsonArray { QStringLiteral("accueil") };
    case ArgType::NewServices:
        return QJsonArray { QJsonObject { { QLatin1String(argKey::code), QStringLiteral("COMPTA") },
                                          { QLatin1String(argKey::name), QStringLiteral("Comptabilité") } } };
    }
    return {};
}

QJsonObject everyArgument(const CommandSpec &command)
{
    QJsonObject args;
    for (const ArgSpec &arg : command.args)
        args.insert(QLatin1String(arg.key), sampleOf(arg.type));
    return args;
}

// The documentation's generated section, between the markers; empty when a marker is missing.
QString documentedSection(const QString &doc)
{
    const QString begin = QLatin1String(CommandCatalogue::beginMarker);
    const QString end = QLatin1String(CommandCatalogue::endMarker);
    const qsizetype from = doc.indexOf(begin);
    const qsizetype to = doc.indexOf(end);
    if (from < 0 || to < from)
        return {};
    return doc.mid(from + begin.size(), to - from - begin.size());
}

// The call each builder of commandargs.h makes, labelled by the command it
// must name (a variant after a space).
QList<QPair<QString, CommandCall>> builtArgs()
{
    QList<QPair<QString, CommandCall>> built;
    const QDate day(2026, 3, 1);
    Profile profile;
    profile.contactEmail = QStringLiteral("a@example.org");
    profile.lastName = QStringLiteral("Martin");
    profile.firstName = QStringLiteral("Alice");
    PersonalInformation info;
    info.profile = profile;
    info.secretQuestion = QStringLiteral("Pet?");
    StructureInput structure;
    structure.siret = validSiret(1);
    structure.raisonSociale = QStringLiteral("Menuiserie Dupont");
    const NewSolicitation solicitation { QStringLiteral("other"), QStringLiteral("Hello"),
                                         QStringLiteral("Hi") };
    SubscriptionRequest subscription;
    subscription.structureId = 1;
    subscription.spaceCode = QStringLiteral("factures_recues");
    subscription.lines = { { 0, true, false }, { 3, false, true } };
    subscription.effectiveDate = day;
    const auto add = [&built](const char *label, const CommandCall &call) {
        built.append({ QString::fromLatin1(label), call });
    };
    add("updateProfile", commands::updateProfile(profile));
    add("changePassword",
        commands::changePassword(QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("b")));
    add("setSecretQuestion",
        commands::setSecretQuestion(QStringLiteral("a"), QStringLiteral("q"), QStringLiteral("r")));
    add("updatePersonalInformation", commands::updatePersonalInformation(info));
    add("setNotifications", commands::setNotifications(true, QStringLiteral("a@example.org")));
    add("deactivateAccount", commands::deactivateAccount());
    add("deactivateAccount (for all)", commands::deactivateAccount(Successors::all(4)));
    add("requestReactivation", commands::requestReactivation(QStringLiteral("a@example.org")));
    add("completeReactivation",
        commands::completeReactivation(QStringLiteral("t"), QStringLiteral("p"), QStringLiteral("q"),
                                       QStringLiteral("r")));
    add("supportReactivate", commands::supportReactivate(4));
    SignUpRequest signUp;
    signUp.email = QStringLiteral("a@example.org");
    signUp.firstName = QStringLiteral("A");
    signUp.lastName = QStringLiteral("B");
    signUp.password = QStringLiteral("p");
    signUp.secretQuestion = QStringLiteral("q");
    signUp.secretAnswer = QStringLiteral("r");
    add("signUp", commands::signUp(signUp));
    add("activateAccount", commands::activateAccount(QStringLiteral("t")));
    add("activateAccount (an invitee's details)",
        commands::activateAccount(QStringLiteral("t"),
                                  { QStringLiteral("Nina"), QStringLiteral("Petit"), QStringLiteral("p"),
                                    QStringLiteral("q"), QStringLiteral("a") }));
    add("resendActivation", commands::resendActivation(QStringLiteral("a@example.org")));
    add("supportResendActivation", commands::supportResendActivation(4));
    add("createStructure", commands::createStructure(structure));
    add("updateStructure", commands::updateStructure(1, structure));
    add("addService", commands::addService(1, QStringLiteral("A"), QStringLiteral("Atelier")));
    add("setServiceActive", commands::setServiceActive(2, false));
    add("requestAttachment", commands::requestAttachment(1, day, QDate(), true));
    add("requestAttachment (services)",
        commands::requestAttachment(1, day, day.addDays(30), false, { 2, 3 }));
    add("decideAttachment", commands::decideAttachment(5, true));
    add("decideAttachments", commands::decideAttachments({ 5, 6 }, false, QStringLiteral("No")));
    add("removeAttachments", commands::removeAttachments({ 5 }));
    add("removeAttachments (successors)", commands::removeAttachments({ 5 }, Successors::each({ { 1, 4 } })));
    add("setSecondaryPowers", commands::setSecondaryPowers(1, true));
    add("setAttachmentRole", commands::setAttachmentRole(5, QStringLiteral("secondary")));
    add("attachUser", commands::attachUser(1, 4, QStringLiteral("user"), day, QDate(), false, { 2 }));
    add("inviteUser",
        commands::inviteUser(1, QStringLiteral("nina@example.org"), QStringLiteral("secondary"), false, { 2 },
                             QStringLiteral("en")));
    add("resendInvitation", commands::resendInvitation(5));
    add("attachUserToStructures",
        commands::attachUserToStructures({ 1, 3 }, 4, QStringLiteral("secondary"), day, day.addDays(90)));
    add("endAttachment", commands::endAttachment(5, day));
    add("copyRights", commands::copyRights(4, 6, 0));
    add("transferPrincipal", commands::transferPrincipal(1, 4));
    add("enableStructureSpace", commands::enableStructureSpace(1, QStringLiteral("factures_recues")));
    add("disableStructureSpace", commands::disableStructureSpace(1, QStringLiteral("factures_recues")));
    add("setSelfServiceSpace", commands::setSelfServiceSpace(1, QStringLiteral("factures_emises"), true));
    add("requestSubscription", commands::requestSubscription(subscription));
    add("decideSubscription", commands::decideSubscription(7, true));
    add("decideSubscriptions", commands::decideSubscriptions({ 7, 8 }, true));
    add("removeSubscriptions", commands::removeSubscriptions({ 7 }));
    add("withdrawSubscriptionRemovals", commands::withdrawSubscriptionRemovals({ 7 }));
    {
        BulkSubscription bulk;
        bulk.structureId = 1;
        bulk.userIds = { 4, 6 };
        bulk.spaceCode = QStringLiteral("factures_emises");
        bulk.modification = true;
        bulk.effectiveDate = day;
        add("subscribeUsers", commands::subscribeUsers(bulk));
    }
    add("addFile",
        commands::addFile({ QStringLiteral("Devis"), QStringLiteral("devis"), QStringLiteral("devis.pdf"),
                            QByteArrayLiteral("%PDF") }));
    add("updateFile", commands::updateFile(9, QStringLiteral("Devis"), QStringLiteral("devis")));
    add("updateFile (content)",
        commands::updateFile(
            9, QStringLiteral("Devis"), QStringLiteral("devis"),
            AttachedFiles::NewContent { QStringLiteral("b.pdf"), QByteArrayLiteral("%PDF") }));
    add("deleteFiles", commands::deleteFiles({ 9 }));
    add("createSolicitation", commands::createSolicitation(solicitation));
    add("createAnonymousSolicitation",
        commands::createAnonymousSolicitation(QStringLiteral("a@example.org"), solicitation));
    add("setStatus", commands::setStatus(3, QStringLiteral("closed")));
    add("reply", commands::reply(3, QStringLiteral("Done"), QStringLiteral("waiting_user")));
    add("addFollowUp", commands::addFollowUp(3, QStringLiteral("Thanks")));
    return built;
}

} // namespace

class TestCommandCatalogue : public QObject
{
    Q_OBJECT

private slots:
    void everyCommandHasATitleAndEveryArgumentALabel()
    {
        QSet<QString> names;
        for (const CommandSpec &command : CommandCatalogue::commands()) {
            const QString name = QLatin1String(command.name);
            QVERIFY2(!names.contains(name), qPrintable(name + QLatin1String(" is declared twice")));
            names.insert(name);
            QVERIFY2(command.title && *command.title, command.name);
            QVERIFY2(command.run, command.name);
            QSet<QString> keys;
            for (const ArgSpec &arg : command.args) {
                const QString what = name + QLatin1Char('.') + QLatin1String(arg.key);
                QVERIFY2(arg.label && *arg.label, qPrintable(what + QLatin1String(" has no label")));
                QVERIFY2(!keys.contains(QLatin1String(arg.key)), qPrintable(what + QLatin1String(" twice")));
                keys.insert(QLatin1String(arg.key));
                // A conditional argument names another argument of the command.
                QCOMPARE(arg.need == ArgNeed::RequiredWith, arg.with != nullptr);
                if (arg.with)
                    QVERIFY2(command.arg(QLatin1String(arg.with)), qPrintable(what));
            }
        }
        QCOMPARE(names.size(), 47);
    }

    void aSecretKeepsTheCommandOutOfTheOfflineOutbox()
    {
        for (const CommandSpec &command : CommandCatalogue::commands()) {
            const bool secret = std::any_of(command.args.begin(), command.args.end(),
                                            [](const ArgSpec &arg) { return arg.secret; });
            QCOMPARE(command.mayWaitOffline(), !secret);
            QCOMPARE(RemoteCommandGateway::carriesSecrets(QLatin1String(command.name)), secret);
        }
        // The passwords and secret answers of the account's forms.
        for (const char *name :
             { "changePassword", "setSecretQuestion", "updatePersonalInformation", "completeReactivation" })
            QVERIFY2(!CommandCatalogue::find(QLatin1String(name))->mayWaitOffline(), name);
        for (const char *key : { "currentPassword", "newPassword", "confirmation", "answer", "secretAnswer" })
            QVERIFY2(CommandCatalogue::isSecretKey(QLatin1String(key)), key);
        QVERIFY(!CommandCatalogue::isSecretKey(QStringLiteral("lastName")));
        QVERIFY(!CommandCatalogue::isSecretKey(QStringLiteral("secretQuestion")));
        // A command this version does not know may wait: the server answers for it.
        QVERIFY(!RemoteCommandGateway::carriesSecrets(QStringLiteral("futureCommand")));
    }

    void theDispatcherRunsExactlyTheCatalogue()
    {
        QStringList names;
        for (const CommandSpec &command : CommandCatalogue::commands())
            names << QLatin1String(command.name);
        QCOMPARE(CommandDispatcher::commandNames(), names);
        for (const CommandSpec &command : CommandCatalogue::commands())
            QCOMPARE(CommandDispatcher::isAnonymous(QLatin1String(command.name)), command.anonymous);

        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        CommandDispatcher dispatcher(core);
        const qint64 user = insertUser(t.db(), QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        insertUser(t.db(), QStringLiteral("vera@example.org"), QStringLiteral("Vera"));
        const qint64 structure = insertStructure(t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertService(t.db(), structure, QStringLiteral("A"), QStringLiteral("Atelier"));

        const CommandResult unknown = dispatcher.execute(user, QStringLiteral("futureCommand"), {});
        QCOMPARE(unknown.code, ErrorCode::InvalidInput);
        QCOMPARE(unknown.field, QStringLiteral("command"));
        for (const CommandSpec &command : CommandCatalogue::commands()) {
            // Every argument given with its declared type: whatever the rules
            // answer, the handler read only what the command declares (an
            // undeclared or ill-typed read is an internal error naming the key).
            const CommandResult r = dispatcher.execute(command.anonymous ? 0 : user,
                                                       QLatin1String(command.name), everyArgument(command));
            QVERIFY2(r.code != ErrorCode::Internal,
                     qPrintable(QLatin1String(command.name) + QLatin1String(": ") + r.field
                                + QLatin1String(" ") + r.message));
            QVERIFY2(!(r.code == ErrorCode::InvalidInput && r.field == QLatin1String("command")),
                     command.name);
            // Each required argument left out is named by the dispatcher's check.
            for (const ArgSpec &arg : command.args) {
                if (arg.need != ArgNeed::Required)
                    continue;
                QJsonObject args = everyArgument(command);
                args.remove(QLatin1String(arg.key));
                const CommandResult missing = dispatcher.execute(user, QLatin1String(command.name), args);
                QCOMPARE(missing.code, ErrorCode::InvalidInput);
                QCOMPARE(missing.field, QLatin1String(arg.key));
                QCOMPARE(missing.message,
                         QStringLiteral("The field %1 is missing.").arg(QLatin1String(arg.key)));
            }
        }
    }

    // Every text argument of every command has a length limit; one character
    // over it is refused naming the argument, before the rules run (so nothing
    // is written), whatever the command.
    void everyTextArgumentIsBounded()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        CommandDispatcher dispatcher(core);
        const qint64 user = insertUser(t.db(), QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 versionBefore = t.db().currentVersion();
        int bounded = 0;
        for (const CommandSpec &command : CommandCatalogue::commands()) {
            for (const ArgSpec &arg : command.args) {
                if (arg.type != ArgType::Text)
                    continue;
                const int max = CommandCatalogue::maxTextLength(arg.key);
                QVERIFY2(max > 0, arg.key);
                QJsonObject args = everyArgument(command);
                args.insert(QLatin1String(arg.key), QString(max + 1, QChar(0xe9)));
                const CommandResult tooLong
                    = dispatcher.execute(command.anonymous ? 0 : user, QLatin1String(command.name), args);
                QCOMPARE(tooLong.code, ErrorCode::InvalidInput);
                QCOMPARE(tooLong.field, QLatin1String(arg.key));
                QVERIFY2(tooLong.message.contains(QString::number(max)), qPrintable(tooLong.message));
                // At the limit, the length is not what the check refuses.
                args.insert(QLatin1String(arg.key), QString(max, QLatin1Char('x')));
                const auto atLimit = CommandCatalogue::check(command, args);
                QVERIFY2(!atLimit || atLimit->field != QLatin1String(arg.key), arg.key);
                ++bounded;
            }
        }
        QVERIFY(bounded > 40);
        QCOMPARE(t.db().currentVersion(), versionBefore);
    }

    void theBuildersFitTheirDeclarations_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QJsonObject>("args");
        for (const auto &[label, call] : builtArgs())
            QTest::newRow(qPrintable(label))
                << label.section(QLatin1Char(' '), 0, 0) << call.name << call.args;
    }

    void theBuildersFitTheirDeclarations()
    {
        QFETCH(QString, command);
        QFETCH(QString, name);
        QFETCH(QJsonObject, args);
        // Each builder names its own command.
        QCOMPARE(name, command);
        const CommandSpec *spec = CommandCatalogue::find(name);
        QVERIFY(spec);
        for (auto it = args.begin(); it != args.end(); ++it)
            QVERIFY2(spec->arg(it.key()), qPrintable(it.key() + QLatin1String(" is not declared")));
        const auto refusal = CommandCatalogue::check(*spec, args);
        QVERIFY2(!refusal, qPrintable(refusal ? refusal->message : QString()));
    }

    void everyCommandHasABuilder()
    {
        QSet<QString> built;
        for (const auto &row : builtArgs())
            built.insert(row.second.name);
        for (const CommandSpec &command : CommandCatalogue::commands())
            QVERIFY2(built.contains(QLatin1String(command.name)), command.name);
    }

    void aConditionalArgumentIsCheckedOnlyWithItsCompanion()
    {
        // updateFile: fileName is required with new content, not read without it.
        const CommandSpec &updateFile = *CommandCatalogue::find(QStringLiteral("updateFile"));
        QJsonObject args = commands::updateFile(9, QStringLiteral("Devis"), QStringLiteral("devis")).args;
        args.insert(QLatin1String(argKey::fileName), 42);
        QVERIFY(!CommandCatalogue::check(updateFile, args));
        args.remove(QLatin1String(argKey::fileName));
        args.insert(QLatin1String(argKey::content), QStringLiteral("JVBERg=="));
        const auto missing = CommandCatalogue::check(updateFile, args);
        QVERIFY(missing);
        QCOMPARE(missing->field, QStringLiteral("fileName"));
        QCOMPARE(missing->message, QStringLiteral("The field fileName is missing."));
    }

    void theDocumentationShowsTheCatalogue()
    {
        QFile file(kCommandsDoc);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(kCommandsDoc));
        const QString doc = QString::fromUtf8(file.readAll());
        file.close();
        const QString expected = CommandCatalogue::referenceMarkdown();
        const QString documented = documentedSection(doc);
        QVERIFY2(!documented.isEmpty(), "docs/COMMANDS.md has no catalogue:begin / catalogue:end markers");
        if (documented == expected)
            return;
        if (qEnvironmentVariableIsSet("GUICHET_REGENERATE_DOCS")) {
            QString updated = doc;
            const QString begin = QLatin1String(CommandCatalogue::beginMarker);
            const qsizetype from = doc.indexOf(begin) + begin.size();
            updated.replace(from, documented.size(), expected);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(updated.toUtf8());
            qInfo("docs/COMMANDS.md: the catalogue's section was regenerated.");
            return;
        }
        qInfo().noquote() << "The section docs/COMMANDS.md should hold between its markers:\n" << expected;
        QFAIL("docs/COMMANDS.md differs from the command catalogue: run this test with "
              "GUICHET_REGENERATE_DOCS=1 to rewrite its section (docs/COMMANDS.md, « Reference »)");
    }
};

QTEST_MAIN(TestCommandCatalogue)
#include "tst_commandcatalogue.moc"
