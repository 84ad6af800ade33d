#include "ui/tour/screenshottour.h"

#include "ui/account/accountpage.h"
#include "ui/account/reactivationdialog.h"
#include "ui/account/successordialog.h"
#include "ui/attachments/structuresearchdialog.h"
#include "ui/files/attachedfiledialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/outboxdialog.h"
#include "ui/shell/session.h"
#include "ui/subscriptions/subscriptionrequestdialog.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QThread>

namespace guichet {

namespace {

// Lets the window lay itself out and paint before it is grabbed.
void settle()
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 300) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
}

bool save(QWidget *widget, const QDir &folder, const QString &name, QString *error)
{
    settle();
    if (widget->grab().save(folder.filePath(name)))
        return true;
    *error = QStringLiteral("cannot write %1").arg(folder.filePath(name));
    return false;
}

} // namespace

bool takeScreenshotTour(Session &session, DesktopApp &app, const QString &folder, const QString &email,
                        const QString &password, QString *error)
{
    QDir dir(folder);
    if (!dir.mkpath(QStringLiteral("."))) {
        *error = QStringLiteral("cannot create %1").arg(folder);
        return false;
    }
    app.start();
    SignInDialog *signIn = app.signInDialog();
    signIn->emailEdit()->setText(email);
    if (!save(signIn, dir, QStringLiteral("01-sign-in.png"), error))
        return false;
    signIn->passwordEdit()->setText(password);
    signIn->signInButton()->click();
    MainWindow *main = app.mainWindow();
    if (!main) {
        *error = QStringLiteral("sign-in as %1 failed: %2").arg(email, signIn->errorText());
        return false;
    }
    main->resize(1200, 760);

    AccountPage *account = main->accountPage();
    const QStringList sections { QStringLiteral("personalInfo"),  QStringLiteral("notifications"),
                                 QStringLiteral("attachments"),   QStringLiteral("subscriptions"),
                                 QStringLiteral("attachedFiles"), QStringLiteral("deactivation") };
    int number = 2;
    for (const QString &section : sections) {
        account->showSection(section);
        if (!save(main, dir, QStringLiteral("%1-%2.png").arg(number++, 2, 10, QLatin1Char('0')).arg(section),
                  error))
            return false;
    }

    {
        StructureSearchDialog search(session, main);
        search.show();
        search.criterion(QStringLiteral("raisonSociale"))->setText(QStringLiteral("*menuiserie*"));
        search.searchButton()->click();
        if (!save(&search, dir, QStringLiteral("08-structure-search.png"), error))
            return false;
    }
    {
        SubscriptionRequestDialog request(session, main);
        request.show();
        if (!save(&request, dir, QStringLiteral("09-subscription-request.png"), error))
            return false;
    }
    {
        AttachedFileDialog file(session, {}, main);
        file.show();
        if (!save(&file, dir, QStringLiteral("10-attached-file.png"), error))
            return false;
    }
    {
        SuccessorDialog successors(session, SuccessorDialog::principalStructures(session, session.userId()),
                                   main);
        successors.show();
        if (!save(&successors, dir, QStringLiteral("11-designate-principal-manager.png"), error))
            return false;
    }
    {
        OutboxDialog outbox(session, main);
        outbox.show();
        if (!save(&outbox, dir, QStringLiteral("12-local-outbox.png"), error))
            return false;
    }
    app.signOut();
    {
        ReactivationDialog reactivation(session, email, app.signInDialog());
        reactivation.show();
        if (!save(&reactivation, dir, QStringLiteral("13-reactivation.png"), error))
            return false;
    }
    return true;
}

} // namespace guichet
