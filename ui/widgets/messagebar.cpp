#include "ui/widgets/messagebar.h"

#include "ui/sync/queuedchange.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace guichet {

namespace {
struct Look
{
    const char *theme;
    QStyle::StandardPixmap fallback;
    const char *background;
    const char *border;
};

Look lookOf(MessageBar::Kind kind)
{
    switch (kind) {
    case MessageBar::Kind::Positive:
        return { "dialog-positive", QStyle::SP_DialogApplyButton, "#e3f4e8", "#27ae60" };
    case MessageBar::Kind::Warning:
        return { "dialog-warning", QStyle::SP_MessageBoxWarning, "#fdf1dc", "#f39c12" };
    case MessageBar::Kind::Error:
        return { "dialog-error", QStyle::SP_MessageBoxCritical, "#f9e1df", "#c0392b" };
    case MessageBar::Kind::Information:
        break;
    }
    return { "dialog-information", QStyle::SP_MessageBoxInformation, "#e1eef9", "#3daee9" };
}
} // namespace

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBar"));
    setFrameShape(QFrame::StyledPanel);
    m_text->setObjectName(QStringLiteral("messageText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_action->setObjectName(QStringLiteral("messageAction"));
    m_action->hide();
    m_close->setObjectName(QStringLiteral("messageClose"));
    m_close->setAutoRaise(true);
    m_close->setIcon(QIcon::fromTheme(QStringLiteral("window-close"),
                                      style()->standardIcon(QStyle::SP_TitleBarCloseButton)));
    m_close->setToolTip(tr("Close the message"));
    m_close->setAccessibleName(tr("Close the message"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 6, 6);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignVCenter);
    layout->addWidget(m_close, 0, Qt::AlignTop);

    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);
    connect(m_action, &QPushButton::clicked, this, [this] {
        const auto callback = m_callback;
        dismiss();
        if (callback)
            callback();
    });
    hide();
}

void MessageBar::showOutcome(const CommandResult &result, const QString &done)
{
    if (!result.ok())
        showMessage(Kind::Error, result.message);
    else if (QueuedChange::isQueued(result) || !done.isEmpty())
        showDone(QueuedChange::isQueued(result), done);
    else
        dismiss();
}

void MessageBar::showDone(bool queued, const QString &done)
{
    if (queued)
        showMessage(Kind::Information, QueuedChange::message());
    else
        showMessage(Kind::Positive, done);
}

void MessageBar::showMessage(Kind kind, const QString &text)
{
    m_kind = kind;
    const Look look = lookOf(kind);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    const QIcon icon
        = QIcon::fromTheme(QString::fromLatin1(look.theme), style()->standardIcon(look.fallback));
    m_icon->setPixmap(icon.pixmap(size, size));
    setStyleSheet(
        QStringLiteral("guichet--MessageBar { background: %1; border: 1px solid %2; border-radius: 4px; }")
            .arg(QLatin1String(look.background), QLatin1String(look.border)));
    m_text->setText(text);
    setAccessibleName(text);
    m_callback = nullptr;
    m_action->hide();
    m_shown = true;
    show();
}

void MessageBar::setAction(const QString &text, std::function<void()> action)
{
    m_action->setText(text);
    m_callback = std::move(action);
    m_action->setVisible(m_shown);
}

void MessageBar::dismiss()
{
    const bool was = m_shown;
    m_shown = false;
    m_callback = nullptr;
    m_text->clear();
    m_action->hide();
    hide();
    if (was)
        emit dismissed();
}

QString MessageBar::text() const
{
    return m_shown ? m_text->text() : QString();
}

} // namespace guichet
