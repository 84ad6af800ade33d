// The layout audit of issue 11: walks every screen of the demo data
// (ui/tour/screenwalk.h) in French and in English, at 1280×800 and 1024×768,
// and lists what a reader would see broken (ui/tour/layoutaudit.h). Each run
// is a child process of this test on an offscreen screen of that size, so that
// windows size themselves as they would on such a screen.
#include "datagen/demodata.h"
#include "rules/spaces/spaces.h"
#include "translations/translations.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/preferencesdialog.h"
#include "ui/tour/layoutaudit.h"
#include "ui/tour/screenwalk.h"
#include "ui/tour/untranslatedmarker.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QMap>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

using namespace guichet;
using namespace guichet::test;

namespace {

// The findings of all four runs when this was last lowered. The test fails
// above it (a regression) and below it (lower it: the fix must stay fixed).
constexpr int knownFindings = 0;

// One run: `language` (fr, en) on a screen of `size` (1024x768). Prints
// « SCREEN\t<name> » per screen and « FINDING\t<finding> » per finding.
int runAudit(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QString language = QString::fromLatin1(argv[2]);
    const QStringList size = QString::fromLatin1(argv[3]).split(QLatin1Char('x'));
    const QSize screenSize(size.value(0).toInt(), size.value(1).toInt());
    QTextStream out(stdout);

    const bool french = language == QLatin1String("fr");
    auto *marker = new UntranslatedMarker(
        french ? UntranslatedMarker::Mode::MarkUntranslated : UntranslatedMarker::Mode::FlagFrench, &app);
    // Installed first, asked last: only for what no catalogue translates.
    QCoreApplication::installTranslator(marker);
    const QLocale locale = PreferencesDialog::interfaceLocale(language);
    QLocale::setDefault(locale);
    installTranslations(locale);

    UiWorld world;
    if (!world.isValid()) {
        out << "ERROR\tno database" << Qt::endl;
        return 1;
    }
    const CommandResult demo = DemoData::generate(world.db(), world.clock, 30, nullptr);
    if (!demo.ok()) {
        out << "ERROR\tdemo data: " << demo.message << Qt::endl;
        return 1;
    }
    if (!french) {
        marker->addFrenchTexts(UntranslatedMarker::translationsIn(QStringLiteral(GUICHET_FRENCH_TS)));
        QStringList spaceNames; // stored in French
        for (const Space &space : Spaces(*world.core).catalogue())
            spaceNames << space.name;
        marker->addFrenchTexts(spaceNames);
    }

    LayoutAuditOptions options;
    options.screenSize = screenSize;
    options.marker = marker;
    ScreenWalkOptions walk;
    walk.mainWindowSize = screenSize;
    DesktopApp desktop(*world.session);
    QString error;
    // The main window's banner and tabs are on every screen: each thing is reported once per run.
    QSet<QString> seen;
    const bool walked = visitScreens(
        *world.session, desktop,
        [&](const QString &screen, QWidget *window) {
            out << "SCREEN\t" << screen << Qt::endl;
            for (const LayoutFinding &finding : auditLayout(screen, window, options)) {
                const QString key = finding.toString().section(QLatin1Char('\t'), 1);
                if (!seen.contains(key)) {
                    seen.insert(key);
                    out << "FINDING\t" << finding.toString() << Qt::endl;
                }
            }
        },
        walk, &error);
    if (!walked) {
        out << "ERROR\t" << error << Qt::endl;
        return 1;
    }
    return 0;
}

class TestLayoutAudit : public QObject
{
    Q_OBJECT

private slots:
    void everyScreenFitsInBothLanguagesAndSizes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QStringList runs { QStringLiteral("fr 1280x800"), QStringLiteral("en 1280x800"),
                                 QStringLiteral("fr 1024x768"), QStringLiteral("en 1024x768") };
        QList<QProcess *> processes;
        for (const QString &run : runs) {
            const QStringList args = run.split(QLatin1Char(' '));
            const QStringList size = args.at(1).split(QLatin1Char('x'));
            // An offscreen screen of that size (the offscreen platform's configfile option).
            const QString config = dir.filePath(args.at(1) + QStringLiteral(".json"));
            QFile file(config);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(
                QStringLiteral("{ \"screens\": [ { \"name\": \"audit\", \"x\": 0, \"y\": 0, \"width\": %1, "
                               "\"height\": %2, \"logicalDpi\": 96, \"logicalBaseDpi\": 96, \"dpr\": 1 } ] }")
                    .arg(size.at(0), size.at(1))
                    .toUtf8());
            file.close();
            auto *process = new QProcess(this);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen:configfile=") + config);
            process->setProcessEnvironment(env);
            processes << process;
        }
        int total = 0;
        QMap<QString, int> byKind;
        // Two runs at a time: the machines that run this have few cores.
        for (int first = 0; first < runs.size(); first += 2) {
            for (int i = first; i < std::min(first + 2, int(runs.size())); ++i) {
                QStringList args { QStringLiteral("--audit") };
                args << runs.at(i).split(QLatin1Char(' '));
                processes.at(i)->start(QCoreApplication::applicationFilePath(), args);
            }
            for (int i = first; i < std::min(first + 2, int(runs.size())); ++i) {
                QProcess *process = processes.at(i);
                QVERIFY2(process->waitForFinished(180000), qPrintable(runs.at(i)));
                const QString output = QString::fromUtf8(process->readAllStandardOutput());
                int screens = 0;
                int findings = 0;
                for (const QString &line : output.split(QLatin1Char('\n'))) {
                    if (line.startsWith(QLatin1String("SCREEN\t"))) {
                        ++screens;
                    } else if (line.startsWith(QLatin1String("FINDING\t"))) {
                        ++findings;
                        qInfo().noquote() << runs.at(i) << line.mid(8);
                        byKind[line.section(QLatin1Char('\t'), 2, 2)]++;
                    } else if (line.startsWith(QLatin1String("ERROR\t"))) {
                        QFAIL(qPrintable(runs.at(i) + QLatin1Char(' ') + line));
                    }
                }
                QVERIFY2(
                    process->exitCode() == 0,
                    qPrintable(runs.at(i) + QString::fromUtf8(process->readAllStandardError()).right(2000)));
                // Every role's sections and tabs and the dialogs were reached.
                QVERIFY2(screens >= 30,
                         qPrintable(QStringLiteral("%1: %2 screens").arg(runs.at(i)).arg(screens)));
                qInfo().noquote() << runs.at(i) << ":" << screens << "screens," << findings << "findings";
                total += findings;
            }
        }
        for (auto it = byKind.cbegin(); it != byKind.cend(); ++it)
            qInfo().noquote() << it.key() << it.value();
        qInfo() << "total findings" << total << "known" << knownFindings;
        QVERIFY2(
            total <= knownFindings,
            qPrintable(QStringLiteral("%1 findings, %2 known: a screen regressed (see the findings above)")
                           .arg(total)
                           .arg(knownFindings)));
        QVERIFY2(
            total >= knownFindings,
            qPrintable(QStringLiteral("%1 findings, %2 known: lower knownFindings in tst_layoutaudit.cpp")
                           .arg(total)
                           .arg(knownFindings)));
    }
};

} // namespace

int main(int argc, char *argv[])
{
    if (argc >= 4 && qstrcmp(argv[1], "--audit") == 0)
        return runAudit(argc, argv);
    QCoreApplication app(argc, argv);
    TestLayoutAudit test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_layoutaudit.moc"
