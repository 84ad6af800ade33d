// Search folding of long texts (issue: one request with a 1 MiB field tied up a
// worker for 30 s). For texts from 1 KiB to 1 MiB of accented letters and of a
// French mix, prints the median time of foldForSearch() next to a reference
// measured in the same run, QString::toLower() of the same text (one linear
// pass), their ratio, and the cost per character: flat from 1 KiB to 1 MiB
// means linear.
#include "kernel/textfold.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <vector>

using namespace guichet;

namespace {

double medianMs(const std::function<void()> &work, int runs)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QList<QPair<QString, QString>> kinds {
        { QStringLiteral("é only"), QStringLiteral("é") },
        { QStringLiteral("French mix"), QStringLiteral("Ménuiserie Élégante à Nîmes, cœur de l'Œuvre ") },
    };
    out << "| text | size (chars) | foldForSearch median | toLower median (reference) | ratio | ns per char "
           "|\n";
    out << "| --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (const auto &[name, unit] : kinds) {
        for (qsizetype size = 1024; size <= 1024 * 1024; size *= 4) {
            const QString text = unit.repeated(size / unit.size() + 1).left(size);
            const int runs = size >= 256 * 1024 ? 5 : 21;
            QString sink;
            const double fold = medianMs([&] { sink = foldForSearch(text); }, runs);
            const double lower = medianMs([&] { sink = text.toLower(); }, runs);
            out << "| " << name << " | " << size << " | " << QString::number(fold, 'f', 3) << " ms | "
                << QString::number(lower, 'f', 3) << " ms | " << QString::number(fold / lower, 'f', 1)
                << "× | " << QString::number(fold * 1e6 / double(size), 'f', 1) << " |\n";
        }
    }
    return 0;
}
