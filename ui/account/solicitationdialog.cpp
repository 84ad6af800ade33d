#include "ui/account/solicitationdialog.h"

#include "commands/commandargs.h"
#include "rules/support/solicitations.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

SolicitationDialog::SolicitationDialog(Session &session, const QString &email, const QString &category,
                                       QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_email(new QLineEdit(email, this))
    , m_category(new QComboBox(this))
    , m_subject(new QLineEdit(this))
    , m_message(new QPlainTextEdit(this))
    , m_error(new QLabel(this))
    , m_validate(nullptr)
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("solicitationDialog"));
    setWindowTitle(tr("Contact support"));

    auto *intro = new QLabel(tr("Write to support without signing in. The answer is sent to the e-mail "
                                "address you give."),
                             this);
    intro->setWordWrap(true);

    m_email->setObjectName(QStringLiteral("email"));
    m_email->setAccessibleName(tr("E-mail address for the answer"));
    m_email->setPlaceholderText(tr("name@example.org"));
    m_category->setObjectName(QStringLiteral("category"));
    m_category->setAccessibleName(tr("Category"));
    for (const SolicitationChoice &choice : Solicitations::categories())
        m_category->addItem(choice.label, choice.code);
    const int preselected = m_category->findData(category);
    if (preselected >= 0)
        m_category->setCurrentIndex(preselected);
    m_subject->setObjectName(QStringLiteral("subject"));
    m_subject->setAccessibleName(tr("Subject"));
    m_subject->setMaxLength(Solicitations::MaxSubjectLength);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setAccessibleName(tr("Message"));
    m_message->setTabChangesFocus(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&E-mail address:"), m_email);
    form->addRow(tr("&Category:"), m_category);
    form->addRow(tr("&Subject:"), m_subject);
    form->addRow(tr("&Message:"), m_message);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &SolicitationDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_feedback.bind(QStringLiteral("email"), m_email);
    m_feedback.bind(QStringLiteral("category"), m_category);
    m_feedback.bind(QStringLiteral("subject"), m_subject);
    m_feedback.bind(QStringLiteral("body"), m_message);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    setTabOrder(m_email, m_category);
    setTabOrder(m_category, m_subject);
    setTabOrder(m_subject, m_message);
    setTabOrder(m_message, m_validate);
    resize(560, 440);
    if (email.isEmpty())
        m_email->setFocus();
    else
        m_subject->setFocus();
}

QString SolicitationDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

QString SolicitationDialog::categoryCode() const
{
    return m_category->currentData().toString();
}

void SolicitationDialog::validate()
{
    QStringList fields;
    QStringList labels;
    if (m_email->text().trimmed().isEmpty()) {
        fields << QStringLiteral("email");
        labels << tr("e-mail address");
    }
    if (m_subject->text().trimmed().isEmpty()) {
        fields << QStringLiteral("subject");
        labels << tr("subject");
    }
    if (m_message->toPlainText().trimmed().isEmpty()) {
        fields << QStringLiteral("body");
        labels << tr("message");
    }
    if (!fields.isEmpty()) {
        m_feedback.showMessage(tr("Complete these fields: %1.").arg(labels.join(QStringLiteral(", "))),
                               fields);
        return;
    }
    const QString email = m_email->text().trimmed();
    m_validate->setEnabled(false);
    m_session.gateway.send(
        commands::createAnonymousSolicitation(
            email, { categoryCode(), m_subject->text().trimmed(), m_message->toPlainText() }),
        [this, email](const CommandResult &result) {
            m_validate->setEnabled(true);
            if (!result.ok()) {
                m_feedback.show(result);
                return;
            }
            m_feedback.clear();
            m_solicitationId = result.id;
            Dialogs::information(this, windowTitle(),
                                 tr("Your solicitation (number %1) was sent to support. "
                                    "The answer will be sent to %2.")
                                     .arg(result.id)
                                     .arg(email));
            accept();
        });
}

} // namespace guichet
