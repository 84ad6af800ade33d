// Cold start: from launching `guichet` (a new process, on its standalone demo
// database) to the first pixels of its first window, the sign-in window. The
// run ends there: `guichet --screenshot FILE` grabs the window at its first
// paint and exits, so the process's whole life is the measure (plus one grab
// and one small PNG). The reference, in the same run and measured the same way:
// this program started again with --reference-window, a bare Qt Widgets form
// (two labelled fields and a button) that exits at its first paint. Runs
// alternate between the two after one warm-up each (the demo database is
// created by the warm-up; the files are then in the page cache, as on a
// desktop that started Guichet before). Run it under a display:
//   xvfb-run -a -s "-screen 0 1024x768x24" build/bench/bench_coldstart
#include "ui/widgets/firstpaint.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFormLayout>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTextStream>
#include <QWidget>

#include <algorithm>
#include <vector>

using namespace guichet;

namespace {

int showReferenceWindow(const QString &path)
{
    QWidget window;
    auto *form = new QFormLayout(&window);
    form->addRow(QStringLiteral("Adresse électronique"), new QLineEdit(&window));
    form->addRow(QStringLiteral("Mot de passe"), new QLineEdit(&window));
    form->addRow(new QPushButton(QStringLiteral("Se connecter"), &window));
    window.show();
    whenFirstPainted(&window, [&window, path] { QApplication::exit(window.grab().save(path) ? 0 : 1); });
    return QApplication::exec();
}

// One launch: milliseconds from start to exit, or a negative number (and why
// on standard error) when it failed or left no picture.
double launchMs(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment,
                const QString &picture)
{
    QFile::remove(picture);
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0 || QFileInfo(picture).size() == 0) {
        QTextStream(stderr) << program << " failed: " << process.errorString() << " (exit code "
                            << process.exitCode() << ")\n";
        return -1;
    }
    return double(timer.nsecsElapsed()) / 1e6;
}

double percentile(std::vector<double> values, double fraction)
{
    std::sort(values.begin(), values.end());
    const auto rank = std::min(values.size() - 1, size_t(fraction * double(values.size() - 1) + 0.5));
    return values[rank];
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Cold start of guichet to its first pixels, against a bare "
                       "Qt Widgets form in the same run."));
    parser.addHelpOption();
    const QCommandLineOption runsOption(QStringLiteral("runs"),
                                        QStringLiteral("Launches of each (default 11)."), QStringLiteral("n"),
                                        QStringLiteral("11"));
    const QCommandLineOption guichetOption(QStringLiteral("guichet"),
                                           QStringLiteral("The guichet executable (default: this build's)."),
                                           QStringLiteral("path"), QStringLiteral(GUICHET_PATH));
    const QCommandLineOption referenceOption(
        QStringLiteral("reference-window"),
        QStringLiteral("Be the reference: show the form, save its picture "
                       "at the first paint and exit."),
        QStringLiteral("file"));
    parser.addOptions({ runsOption, guichetOption, referenceOption });
    parser.process(app);
    if (parser.isSet(referenceOption))
        return showReferenceWindow(parser.value(referenceOption));

    QTextStream out(stdout);
    bool ok = false;
    const int runs = parser.value(runsOption).toInt(&ok);
    if (!ok || runs < 1 || runs > 1000) {
        QTextStream(stderr) << "bench_coldstart: --runs must be a number from 1 to 1000\n";
        return 2;
    }
    QTemporaryDir home;
    if (!home.isValid())
        return 1;
    // Settings, data and cache of its own: no remembered session, no other instance.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" })
        environment.insert(QLatin1String(name), home.path());
    const QString picture = home.filePath(QStringLiteral("first-pixels.png"));
    const QString guichet = parser.value(guichetOption);
    const QStringList guichetArguments {
        QStringLiteral("--database"),   home.filePath(QStringLiteral("demo.sqlite")),
        QStringLiteral("--language"),   QStringLiteral("fr"),
        QStringLiteral("--screenshot"), picture
    };
    const QString self = QCoreApplication::applicationFilePath();
    const QStringList referenceArguments { QStringLiteral("--reference-window"), picture };

    // Warm-up: the demo database is created, the files are read once.
    if (launchMs(guichet, guichetArguments, environment, picture) < 0
        || launchMs(self, referenceArguments, environment, picture) < 0)
        return 1;
    std::vector<double> guichetTimes, referenceTimes;
    for (int i = 0; i < runs; ++i) {
        const double g = launchMs(guichet, guichetArguments, environment, picture);
        const double r = launchMs(self, referenceArguments, environment, picture);
        if (g < 0 || r < 0)
            return 1;
        guichetTimes.push_back(g);
        referenceTimes.push_back(r);
    }
    const double guichetMedian = percentile(guichetTimes, 0.5);
    const double referenceMedian = percentile(referenceTimes, 0.5);
    out << "platform: " << QGuiApplication::platformName() << ", " << runs << " launches of each\n";
    out << "| program | median | p90 | min |\n| --- | ---: | ---: | ---: |\n";
    out << "| guichet to the sign-in window's first pixels | " << QString::number(guichetMedian, 'f', 0)
        << " ms | " << QString::number(percentile(guichetTimes, 0.9), 'f', 0) << " ms | "
        << QString::number(percentile(guichetTimes, 0.0), 'f', 0) << " ms |\n";
    out << "| bare Qt Widgets form (reference) | " << QString::number(referenceMedian, 'f', 0) << " ms | "
        << QString::number(percentile(referenceTimes, 0.9), 'f', 0) << " ms | "
        << QString::number(percentile(referenceTimes, 0.0), 'f', 0) << " ms |\n";
    out << "ratio of the medians: " << QString::number(guichetMedian / referenceMedian, 'f', 2) << "x\n";
    return 0;
}
