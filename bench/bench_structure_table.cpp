// Opens the structure search's table on a search matching every structure and
// measures what a user waits for: the search click to the table's first paint,
// the jump to the last row, and the process's peak memory.
// Usage: bench_structure_table --database LOCATION [--structures N]
// (offscreen platform unless QT_QPA_PLATFORM says otherwise)
#include "benchcommandline.h"
#include "client/directory.h"
#include "client/localcommandgateway.h"
#include "datagen/benchdata.h"
#include "kernel/clock.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "kernel/pagecache.h"
#include "models/structuresearchmodel.h"
#include "rules/structures/structures.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <memory>

using namespace guichet;
using namespace guichet::bench;

namespace {

// A line of /proc/self/status in MiB (VmHWM: peak resident set; VmRSS: now).
double statusMiB(const char *key)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(qstrlen(key) + 1).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

// Times from a start to the end of the next paint of a widget, the paint included.
class PaintWatch : public QObject
{
public:
    explicit PaintWatch(QWidget *widget)
        : m_widget(widget)
    {
        widget->installEventFilter(this);
    }

    // `shown` says whether the paint just done shows what was waited for
    // (paints of the old layout may come first).
    void start(std::function<bool()> shown)
    {
        m_shown = std::move(shown);
        m_painted = false;
        m_timer.start();
    }
    // Runs the event loop until the widget painted; milliseconds since start().
    double waitForPaint()
    {
        while (!m_painted)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        return m_elapsed;
    }

protected:
    bool eventFilter(QObject *object, QEvent *event) override
    {
        if (object == m_widget && event->type() == QEvent::Paint && !m_inside && m_timer.isValid()) {
            // Deliver the paint now, through the scroll area's own filter that
            // turns it into QTableView::paintEvent, so that its data() calls
            // (the page fetches) are part of the measure.
            m_inside = true;
            QCoreApplication::sendEvent(m_widget, event);
            m_inside = false;
            if (!m_painted && m_shown()) {
                m_elapsed = m_timer.nsecsElapsed() / 1e6;
                m_painted = true;
            }
            return true;
        }
        return false;
    }

private:
    QWidget *m_widget;
    QElapsedTimer m_timer;
    double m_elapsed = 0;
    bool m_painted = false;
    bool m_inside = false;
    std::function<bool()> m_shown;
};

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    BenchCommandLine commandLine(QStringLiteral("Structure search table benchmark."));
    const QCommandLineOption structuresOption
        = commandLine.addNumber(QStringLiteral("structures"), QStringLiteral("Structures to have"), 1000000);
    if (!commandLine.process(app))
        return 2;
    const std::unique_ptr<Database> db = commandLine.openDatabase();
    if (!db)
        return 1;
    const qint64 wanted = commandLine.number(structuresOption, 0);
    {
        // The setup is not the desktop's: its count of every structure (an
        // index read whole) must not stay in the connection's page cache,
        // where the window would start with ~9 MiB a desktop never reads.
        const PageCacheBound setup(*db, WalkPageCacheKiB);
        const qint64 existing = db->value(QStringLiteral("SELECT COUNT(*) FROM structures")).toLongLong();
        if (existing < wanted) {
            err << "generating " << (wanted - existing) << " structures…\n";
            err.flush();
            const CommandResult r = generateStructures(*db, int(wanted - existing));
            if (!r.ok()) {
                err << r.message << '\n';
                return 1;
            }
        }
    }
    const double rssBefore = statusMiB("VmRSS:");

    SystemClock clock;
    Core core(*db, clock);
    QWidget window;
    auto *criterion = new QLineEdit(QStringLiteral("*"), &window);
    auto *search = new QPushButton(QStringLiteral("Search"), &window);
    auto *view = new QTableView(&window);
    LocalCommandGateway gateway(core);
    LocalDirectory directory(core, gateway);
    auto *model = new StructureSearchModel(directory, &window);
    view->setModel(model);
    // As StructureSearchDialog sets it up.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(criterion);
    layout->addWidget(search);
    layout->addWidget(view, 1);
    QObject::connect(search, &QPushButton::clicked, model, [&] {
        StructureCriteria c;
        c.raisonSociale = criterion->text();
        model->setCriteria(c);
    });
    window.resize(1000, 700);
    window.show();
    QCoreApplication::processEvents();

    PaintWatch watch(view->viewport());
    QElapsedTimer countTimer;
    watch.start([view] { return view->rowAt(0) == 0; });
    countTimer.start();
    search->click(); // the count runs here
    const double countMs = countTimer.nsecsElapsed() / 1e6;
    const double firstPaint = watch.waitForPaint();
    const int fetchesAfterFirst = model->pagesFetched();
    const double peakAfterFirst = statusMiB("VmHWM:");
    // A very common pattern is counted up to 10,000 in the click; the exact
    // count follows after the first paint (as the user sees « counting… »).
    QElapsedTimer exactTimer;
    exactTimer.start();
    while (!model->isCountExact())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    const double exactMs = exactTimer.nsecsElapsed() / 1e6;
    const double peakAfterCount = statusMiB("VmHWM:");

    watch.start(
        [view, model] { return view->rowAt(view->viewport()->height() - 2) == model->rowCount() - 1; });
    view->scrollToBottom();
    const double bottom = watch.waitForPaint();
    const double peakAfterBottom = statusMiB("VmHWM:");
    const QString lastRow
        = model->data(model->index(model->rowCount() - 1, StructureSearchModel::RaisonSocialeColumn))
              .toString();

    const int middleRow = model->rowCount() / 2;
    watch.start(
        [view, middleRow] { return view->rowAt(0) <= middleRow && view->rowAt(0) > middleRow - 100; });
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum() / 2);
    const double middle = watch.waitForPaint();

    // Page down through a few screens, as a user scrolling would.
    QList<double> steps;
    for (int i = 0; i < 20; ++i) {
        const int before = view->rowAt(0);
        watch.start([view, before] { return view->rowAt(0) > before; });
        view->verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepAdd);
        steps.append(watch.waitForPaint());
    }
    std::sort(steps.begin(), steps.end());

    out << "structures matching '*': " << model->rowCount() << '\n'
        << "count (in the click): " << QString::number(countMs, 'f', 1) << " ms\n"
        << "search click to first paint: " << QString::number(firstPaint, 'f', 1) << " ms ("
        << fetchesAfterFirst << " page(s) fetched)\n"
        << "exact count shown after the first paint: " << QString::number(exactMs, 'f', 1) << " ms later\n"
        << "scrollToBottom to paint: " << QString::number(bottom, 'f', 1) << " ms (last row: " << lastRow
        << ")\n"
        << "jump to the middle to paint: " << QString::number(middle, 'f', 1) << " ms\n"
        << "page down (20 screens) median: " << QString::number(steps.at(steps.size() / 2), 'f', 1)
        << " ms, max " << QString::number(steps.last(), 'f', 1) << " ms\n"
        << "pages fetched: " << model->pagesFetched() << ", cached now: " << model->cachedPageCount()
        << " (max " << model->maxCachedPages() << ")\n"
        << "RSS before the window: " << QString::number(rssBefore, 'f', 1)
        << " MiB, peak (VmHWM): " << QString::number(statusMiB("VmHWM:"), 'f', 1) << " MiB\n"
        << "peak after the first paint: " << QString::number(peakAfterFirst, 'f', 1)
        << " MiB, after the exact count: " << QString::number(peakAfterCount, 'f', 1)
        << " MiB, after scrollToBottom: " << QString::number(peakAfterBottom, 'f', 1) << " MiB\n";
    return 0;
}
