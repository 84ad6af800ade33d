#pragma once

#include <QDialog>
#include <QMessageBox>
#include <QString>

#include <functional>

namespace guichet {

// Every modal interaction of the desktop goes through here, so that widget
// tests answer real dialogs through a hook instead of skipping them (as
// KeePassXC's MessageBox::setNextAnswer does). Without queued answers, the real
// dialogs show.
class Dialogs
{
public:
    static QMessageBox::StandardButton
    question(QWidget *parent, const QString &title, const QString &text,
             QMessageBox::StandardButtons buttons = QMessageBox::Ok | QMessageBox::Cancel,
             QMessageBox::StandardButton defaultButton = QMessageBox::Cancel);
    static void information(QWidget *parent, const QString &title, const QString &text);
    static void warning(QWidget *parent, const QString &title, const QString &text);
    // A warning that does not block: the window stays usable while it shows
    // (e.g. a queued change the server refused). Recorded in messages() too.
    static void notify(QWidget *parent, const QString &title, const QString &text);

    // Runs a dialog modally, or hands it to the next queued hook.
    static int exec(QDialog *dialog);

    // File and folder choosers open in `folder` (or at `suggested`): each kind
    // of file remembers its own last folder in the settings.
    static QString openFileName(QWidget *parent, const QString &title, const QString &filter = {},
                                const QString &folder = {});
    static QString saveFileName(QWidget *parent, const QString &title, const QString &suggested,
                                const QString &filter = {});
    static QString existingDirectory(QWidget *parent, const QString &title, const QString &folder = {});

    // For tests: the answer to the next message box (which is then not shown).
    static void queueAnswer(QMessageBox::StandardButton answer);
    // For tests: what to do with the next dialog run through exec(); the hook
    // fills it in and returns its result (QDialog::Accepted or Rejected).
    static void queueDialogHook(std::function<int(QDialog *)> hook);
    // For tests: the path the next file or folder chooser returns ("" = cancel).
    static void queuePath(const QString &path);
    // The texts of the message boxes shown (or answered) so far, newest last.
    static QStringList messages();
    // Where the last file or folder chooser opened (asked or answered by a test).
    static QString lastStartPath();
    static void clear();
};

} // namespace guichet
