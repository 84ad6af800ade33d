#pragma once

#include "commands/commandargs.h"
#include "ui/widgets/formfeedback.h"

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPushButton;

namespace guichet {

class MessageBar;

struct Session;

// « Désactiver mon compte » (section of « Mon compte »): what deactivation
// means, and the button. A principal manager first designates a new principal
// manager for each structure they manage (SuccessorDialog). Once deactivated,
// the user is signed out (accountDeactivated()).
class DeactivationSection : public QWidget
{
    Q_OBJECT

public:
    explicit DeactivationSection(Session &session, QWidget *parent = nullptr);

    QPushButton *deactivateButton() const { return m_deactivate; }
    QString errorText() const;
    MessageBar *messageBar() const { return m_messages; }
    QString principalText() const;

signals:
    // The account is deactivated: the user must be signed out.
    void accountDeactivated();

private:
    void reload();
    void deactivate();
    void send(const CommandCall &call);

    Session &m_session;
    QLabel *m_principal;
    MessageBar *m_messages;
    QPushButton *m_deactivate;
    FormFeedback m_feedback;
};

} // namespace guichet
