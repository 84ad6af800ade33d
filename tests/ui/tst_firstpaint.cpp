#include "ui/widgets/firstpaint.h"

#include <QImage>
#include <QLabel>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;

// whenFirstPainted, and `guichet --screenshot`, which the cold start bench
// (bench/bench_coldstart) times to the first pixels.
class TestFirstPaint : public QObject
{
    Q_OBJECT

private slots:
    void calledOnceAfterTheFirstPaint()
    {
        QLabel window(QStringLiteral("Guichet"));
        int calls = 0;
        bool paintedBefore = false;
        whenFirstPainted(&window, [&] {
            ++calls;
            paintedBefore = window.isVisible();
        });
        QCOMPARE(calls, 0); // not before the window is shown
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(calls, 1);
        QVERIFY(paintedBefore);
        window.repaint();
        window.setText(QStringLiteral("Guichet !"));
        QTest::qWait(50);
        QCOMPARE(calls, 1);
    }

    // The real executable: a picture of the sign-in window, then exit 0, as
    // soon as it painted (the test would time out if the paint never came).
    void screenshotSavesTheSignInWindowAndQuits()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char *name : { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME" })
            environment.insert(QLatin1String(name), home.path());
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        const QString picture = home.filePath(QStringLiteral("signin.png"));
        QProcess guichet;
        guichet.setProcessEnvironment(environment);
        guichet.start(QStringLiteral(GUICHET_PATH),
                      { QStringLiteral("--database"), home.filePath(QStringLiteral("demo.sqlite")),
                        QStringLiteral("--language"), QStringLiteral("en"), QStringLiteral("--screenshot"),
                        picture });
        QVERIFY(guichet.waitForFinished(60000));
        QCOMPARE(guichet.exitStatus(), QProcess::NormalExit);
        QCOMPARE(guichet.exitCode(), 0);
        const QImage image(picture);
        QVERIFY(!image.isNull());
        QVERIFY2(image.width() >= 300 && image.height() >= 200,
                 qPrintable(QStringLiteral("%1×%2").arg(image.width()).arg(image.height())));
    }
};

QTEST_MAIN(TestFirstPaint)
#include "tst_firstpaint.moc"
