#include "ui/account/accountpage.h"

#include "ui/account/deactivationsection.h"
#include "ui/account/notificationssection.h"
#include "ui/account/personalinfosection.h"
#include "ui/attachments/attachmentssection.h"
#include "ui/files/attachedfilessection.h"
#include "ui/shell/session.h"
#include "ui/subscriptions/subscriptionssection.h"
#include "ui/widgets/icons.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QSettings>
#include <QStackedWidget>

namespace guichet {

AccountPage::AccountPage(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_list(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("accountPage"));
    m_list->setObjectName(QStringLiteral("accountSections"));
    m_list->setAccessibleName(tr("Sections of my account"));
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(m_stack, 1);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        m_stack->setCurrentIndex(row);
        if (QWidget *current = m_stack->currentWidget())
            QSettings().setValue(QStringLiteral("account/section"), current->objectName());
    });

    // Sections, in the guide's order, are added here as they are built.
    m_list->setIconSize(QSize(16, 16));
    addSection(QStringLiteral("user-identity"), tr("Personal information"),
               new PersonalInfoSection(m_session, this));
    addSection(QStringLiteral("preferences-desktop-notification"), tr("Notifications"),
               new NotificationsSection(m_session, this));
    addSection(QStringLiteral("guichet-structure"), tr("Attachments to structures"),
               new AttachmentsSection(m_session, this));
    addSection(QStringLiteral("view-grid"), tr("Subscriptions to spaces"),
               new SubscriptionsSection(m_session, this));
    addSection(QStringLiteral("mail-attachment"), tr("Attached files"),
               new AttachedFilesSection(m_session, this));
    addSection(QStringLiteral("guichet-account-deactivate"), tr("Deactivate my account"),
               new DeactivationSection(m_session, this));
}

void AccountPage::addSection(const QString &icon, const QString &title, QWidget *section)
{
    section->setParent(m_stack);
    m_stack->addWidget(section);
    auto *item = new QListWidgetItem(themedIcon(icon), title, m_list);
    // Wide enough for the longest title in any language, never wider.
    m_list->setFixedWidth(m_list->sizeHintForColumn(0) + 2 * m_list->frameWidth() + 12);
    item->setData(Qt::UserRole, section->objectName());
    if (m_list->count() == 1)
        m_list->setCurrentRow(0);
    if (section->objectName() == QSettings().value(QStringLiteral("account/section")).toString())
        m_list->setCurrentRow(m_list->count() - 1);
}

void AccountPage::showSection(const QString &objectName)
{
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->data(Qt::UserRole).toString() == objectName) {
            m_list->setCurrentRow(row);
            return;
        }
    }
}

QWidget *AccountPage::section(const QString &objectName) const
{
    for (int i = 0; i < m_stack->count(); ++i) {
        if (m_stack->widget(i)->objectName() == objectName)
            return m_stack->widget(i);
    }
    return nullptr;
}

QWidget *AccountPage::currentSection() const
{
    return m_stack->currentWidget();
}

} // namespace guichet
