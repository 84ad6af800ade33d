#include "ui/widgets/formfeedback.h"

#include "ui/widgets/messagebar.h"

#include <QDialog>
#include <QLabel>
#include <QLayout>
#include <QScreen>
#include <QWidget>

namespace guichet {

namespace {
const char *const invalidStyle = "border: 2px solid #c0392b;";

// A dialog grows to show a message without crushing its fields (issue 11),
// never beyond its screen; the main window has room enough.
void growToFit(QWidget *widget)
{
    QWidget *window = widget->window();
    QLayout *layout = window ? window->layout() : nullptr;
    if (!qobject_cast<QDialog *>(window) || !layout)
        return;
    layout->activate();
    int needed = layout->totalMinimumSize().height();
    if (layout->hasHeightForWidth())
        needed = std::max(needed, layout->totalHeightForWidth(window->width()));
    if (const QScreen *screen = window->screen())
        needed = std::min(needed, screen->availableGeometry().height() - 64);
    if (needed > window->height())
        window->resize(window->width(), needed);
}
} // namespace

FormFeedback::FormFeedback(QLabel *messageLabel)
    : m_label(messageLabel)
{
    if (m_label) {
        m_label->setStyleSheet(QStringLiteral("color: #c0392b; font-weight: bold;"));
        m_label->setWordWrap(true);
        m_label->setTextFormat(Qt::PlainText);
        m_label->hide();
    }
    if (m_bar && m_bar->kind() == MessageBar::Kind::Error)
        m_bar->dismiss();
}

FormFeedback::FormFeedback(MessageBar *bar)
    : m_bar(bar)
{
}

void FormFeedback::bind(const QString &field, QWidget *widget)
{
    m_widgets.insert(field, widget);
}

void FormFeedback::show(const CommandResult &result)
{
    if (result.ok()) {
        clear();
        return;
    }
    showMessage(result.message, result.field.split(QLatin1Char(','), Qt::SkipEmptyParts));
}

void FormFeedback::showMessage(const QString &message, const QStringList &fields)
{
    clear();
    if (m_label) {
        m_label->setText(message);
        m_label->setAccessibleName(message);
        m_label->show();
        growToFit(m_label);
    }
    if (m_bar)
        m_bar->showMessage(MessageBar::Kind::Error, message);
    QWidget *first = nullptr;
    for (const QString &raw : fields) {
        const QString field = raw.trimmed();
        QWidget *widget = m_widgets.value(field);
        if (!widget)
            continue;
        widget->setStyleSheet(QString::fromLatin1(invalidStyle));
        widget->setProperty("invalid", true);
        m_highlighted.append(field);
        if (!first)
            first = widget;
    }
    if (first)
        first->setFocus(Qt::OtherFocusReason);
}

void FormFeedback::clear()
{
    for (const QString &field : std::as_const(m_highlighted)) {
        if (QWidget *widget = m_widgets.value(field)) {
            widget->setStyleSheet(QString());
            widget->setProperty("invalid", false);
        }
    }
    m_highlighted.clear();
    if (m_label) {
        m_label->clear();
        m_label->hide();
    }
    if (m_bar && m_bar->kind() == MessageBar::Kind::Error)
        m_bar->dismiss();
}

QStringList FormFeedback::highlightedFields() const
{
    return m_highlighted;
}

} // namespace guichet
