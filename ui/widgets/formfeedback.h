#pragma once

#include "kernel/commandresult.h"

#include <QHash>
#include <QPointer>
#include <QString>

class QLabel;
class QWidget;

namespace guichet {

class MessageBar;

// The guide's rule for forms: the fields to complete are named in a red message
// and highlighted; nothing is saved until they are valid. Binds core's field
// names (CommandResult::field, comma-separated when several) to the widgets.
class FormFeedback
{
public:
    explicit FormFeedback(QLabel *messageLabel);
    // The message goes to a section's or page's message bar, as an Error.
    explicit FormFeedback(MessageBar *bar);

    void bind(const QString &field, QWidget *widget);
    // Shows a refusal: the message in red, the named fields highlighted, the
    // first of them focused. Success clears everything.
    void show(const CommandResult &result);
    void showMessage(const QString &message, const QStringList &fields = {});
    void clear();
    QStringList highlightedFields() const;

private:
    QPointer<QLabel> m_label;
    QPointer<MessageBar> m_bar;
    QHash<QString, QPointer<QWidget>> m_widgets;
    QStringList m_highlighted;
};

} // namespace guichet
