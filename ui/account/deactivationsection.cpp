#include "ui/account/deactivationsection.h"

#include "commands/commandargs.h"
#include "rules/accounts/accounts.h"
#include "ui/account/successordialog.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/sectionhead.h"

#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

DeactivationSection::DeactivationSection(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_principal(new QLabel(this))
    , m_messages(new MessageBar(this))
    , m_deactivate(new QPushButton(tr("&Deactivate my account"), this))
    , m_feedback(m_messages)
{
    setObjectName(QStringLiteral("deactivation"));

    auto *title = createSectionTitle(tr("Deactivate my account"), this);

    auto *explanation = new QLabel(
        tr("If you no longer use your account, after a change of assignment or a resignation for example, "
           "deactivate it:\n"
           "• you can reactivate it within %1 days (\"Reactivate my account\" in the sign-in window);\n"
           "• any change in progress on the account is lost: your pending requests are cancelled;\n"
           "• a deactivated account can do nothing but be reactivated, and receives no more mail.")
            .arg(accountRules::ReactivationPeriodDays),
        this);
    explanation->setWordWrap(true);
    explanation->setTextFormat(Qt::PlainText);

    auto *distinction
        = new QLabel(tr("Not to be confused with the deactivation or removal of an attachment to a "
                        "structure, which a manager does."),
                     this);
    distinction->setWordWrap(true);

    m_principal->setObjectName(QStringLiteral("principalNotice"));
    m_principal->setWordWrap(true);
    m_principal->setTextFormat(Qt::PlainText);

    m_deactivate->setObjectName(QStringLiteral("deactivate"));
    m_deactivate->setAccessibleName(tr("Deactivate my account"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_messages);
    layout->addWidget(explanation);
    layout->addWidget(distinction);
    layout->addWidget(m_principal);
    layout->addWidget(m_deactivate, 0, Qt::AlignLeft);
    layout->addStretch();

    connect(m_deactivate, &QPushButton::clicked, this, &DeactivationSection::deactivate);
    connect(&m_session.gateway, &CommandGateway::dataChanged, this, &DeactivationSection::reload);
    reload();
}

QString DeactivationSection::errorText() const
{
    return m_messages->kind() == MessageBar::Kind::Error ? m_messages->text() : QString();
}

QString DeactivationSection::principalText() const
{
    return m_principal->isHidden() ? QString() : m_principal->text();
}

void DeactivationSection::reload()
{
    const QList<StructureChoice> structures
        = SuccessorDialog::principalStructures(m_session, m_session.userId());
    QStringList names;
    for (const StructureChoice &s : structures)
        names << s.raisonSociale;
    m_principal->setText(tr("You are the principal manager of: %1. Before deactivating your account, you "
                            "designate a new principal manager for each of them.")
                             .arg(names.join(QStringLiteral(", "))));
    m_principal->setVisible(!structures.isEmpty());
}

void DeactivationSection::deactivate()
{
    m_feedback.clear();
    const QList<StructureChoice> structures
        = SuccessorDialog::principalStructures(m_session, m_session.userId());
    const QString title = tr("Deactivate my account");
    if (structures.isEmpty()) {
        const QString text = tr("You will be able to reactivate your account within %1 days.\n"
                                "Any change in progress on the account will be lost.\n\n"
                                "Deactivate your account?")
                                 .arg(accountRules::ReactivationPeriodDays);
        if (Dialogs::question(this, title, text) == QMessageBox::Ok)
            send(commands::deactivateAccount());
        return;
    }
    const QString text = tr("You will be able to reactivate your account within %1 days.\n"
                            "You must designate a new principal manager for every structure you are the "
                            "principal manager of.\n\n"
                            "Click OK to designate a new principal manager.")
                             .arg(accountRules::ReactivationPeriodDays);
    if (Dialogs::question(this, title, text) != QMessageBox::Ok)
        return;
    SuccessorDialog dialog(m_session, structures, this);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    send(commands::deactivateAccount(dialog.successors()));
}

void DeactivationSection::send(const CommandCall &call)
{
    m_deactivate->setEnabled(false);
    m_session.gateway.send(call, [this](const CommandResult &result) {
        m_deactivate->setEnabled(true);
        if (!result.ok()) {
            m_feedback.show(result);
            return;
        }
        // Queued, the account is still active until the server applies it.
        if (QueuedChange::isQueued(result)) {
            m_messages->showMessage(MessageBar::Kind::Information, QueuedChange::message());
            return;
        }
        Dialogs::information(this, tr("Deactivate my account"),
                             tr("Your account is deactivated. You can reactivate it within %1 days with "
                                "\"Reactivate my account\" in the sign-in window.")
                                 .arg(accountRules::ReactivationPeriodDays));
        emit accountDeactivated();
    });
}

} // namespace guichet
