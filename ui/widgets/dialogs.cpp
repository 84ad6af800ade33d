#include "ui/widgets/dialogs.h"

#include <QFileDialog>
#include <QQueue>

#include <utility>

namespace guichet {

namespace {

struct Queues
{
    QQueue<QMessageBox::StandardButton> answers;
    QQueue<std::function<int(QDialog *)>> hooks;
    QQueue<QString> paths;
    QStringList messages;
    QString lastStart;
};

Queues &queues()
{
    static Queues q;
    return q;
}

QMessageBox::StandardButton showMessage(QMessageBox::Icon icon, QWidget *parent, const QString &title,
                                        const QString &text, QMessageBox::StandardButtons buttons,
                                        QMessageBox::StandardButton defaultButton)
{
    queues().messages.append(text);
    if (!queues().answers.isEmpty())
        return queues().answers.dequeue();
    QMessageBox box(icon, title, text, buttons, parent);
    box.setDefaultButton(defaultButton);
    box.setTextFormat(Qt::PlainText);
    return static_cast<QMessageBox::StandardButton>(box.exec());
}

QString nextPath(bool *queued)
{
    *queued = !queues().paths.isEmpty();
    return *queued ? queues().paths.dequeue() : QString();
}

} // namespace

QMessageBox::StandardButton Dialogs::question(QWidget *parent, const QString &title, const QString &text,
                                              QMessageBox::StandardButtons buttons,
                                              QMessageBox::StandardButton defaultButton)
{
    return showMessage(QMessageBox::Question, parent, title, text, buttons, defaultButton);
}

void Dialogs::information(QWidget *parent, const QString &title, const QString &text)
{
    showMessage(QMessageBox::Information, parent, title, text, QMessageBox::Ok, QMessageBox::Ok);
}

void Dialogs::warning(QWidget *parent, const QString &title, const QString &text)
{
    showMessage(QMessageBox::Warning, parent, title, text, QMessageBox::Ok, QMessageBox::Ok);
}

void Dialogs::notify(QWidget *parent, const QString &title, const QString &text)
{
    queues().messages.append(text);
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setTextFormat(Qt::PlainText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
}

int Dialogs::exec(QDialog *dialog)
{
    if (!queues().hooks.isEmpty()) {
        const auto hook = queues().hooks.dequeue();
        dialog->show();
        const int result = hook(dialog);
        dialog->hide();
        dialog->setResult(result);
        return result;
    }
    return dialog->exec();
}

QString Dialogs::openFileName(QWidget *parent, const QString &title, const QString &filter,
                              const QString &folder)
{
    queues().lastStart = folder;
    bool queued = false;
    const QString path = nextPath(&queued);
    return queued ? path : QFileDialog::getOpenFileName(parent, title, folder, filter);
}

QString Dialogs::saveFileName(QWidget *parent, const QString &title, const QString &suggested,
                              const QString &filter)
{
    queues().lastStart = suggested;
    bool queued = false;
    const QString path = nextPath(&queued);
    return queued ? path : QFileDialog::getSaveFileName(parent, title, suggested, filter);
}

QString Dialogs::existingDirectory(QWidget *parent, const QString &title, const QString &folder)
{
    queues().lastStart = folder;
    bool queued = false;
    const QString path = nextPath(&queued);
    return queued ? path : QFileDialog::getExistingDirectory(parent, title, folder);
}

QString Dialogs::lastStartPath()
{
    return queues().lastStart;
}

void Dialogs::queueAnswer(QMessageBox::StandardButton answer)
{
    queues().answers.enqueue(answer);
}

void Dialogs::queueDialogHook(std::function<int(QDialog *)> hook)
{
    queues().hooks.enqueue(std::move(hook));
}

void Dialogs::queuePath(const QString &path)
{
    queues().paths.enqueue(path);
}

QStringList Dialogs::messages()
{
    return queues().messages;
}

void Dialogs::clear()
{
    queues() = Queues();
}

} // namespace guichet
