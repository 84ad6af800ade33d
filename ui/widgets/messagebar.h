#pragma once

#include "kernel/commandresult.h"

#include <QFrame>
#include <QString>

#include <functional>

class QLabel;
class QPushButton;
class QToolButton;

namespace guichet {

// The one non-modal message bar of a section or page (like KDE's
// KMessageWidget): a coloured frame with an icon, a word-wrapped text, an
// optional action button and a close button. It tells every outcome: what a
// decision did, a change waiting in the offline outbox, core's refusal.
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Information, Positive, Warning, Error };
    Q_ENUM(Kind)

    explicit MessageBar(QWidget *parent = nullptr);

    // Shows `text`; replaces the previous message and drops its action.
    void showMessage(Kind kind, const QString &text);
    // Tells what a command came to: its refusal as an Error, « kept on this
    // computer until the server is reachable » as Information, else `done` as
    // Positive (nothing when `done` is empty).
    void showOutcome(const CommandResult &result, const QString &done);
    // After a change that succeeded: « kept on this computer… » as Information
    // when it waits in the outbox, else `done` as Positive.
    void showDone(bool queued, const QString &done);
    // Adds a button to the message shown: a click runs `action`, then closes the bar.
    void setAction(const QString &text, std::function<void()> action);
    // Hides the bar and forgets its message.
    void dismiss();

    // The text shown, or empty when the bar is hidden.
    QString text() const;
    Kind kind() const { return m_kind; }
    QPushButton *actionButton() const { return m_action; }

signals:
    void dismissed();

private:
    Kind m_kind = Kind::Information;
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QToolButton *m_close;
    std::function<void()> m_callback;
    bool m_shown = false;
};

} // namespace guichet
