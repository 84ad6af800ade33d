#pragma once

#include "ui/widgets/formfeedback.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

class MessageBar;

struct Session;

// « Paramétrer la réception de notifications »: the « Recevoir des
// notifications » box and the contact address the mails go to (the same
// address as in personal information, editable here too). « Valider » sends
// setNotifications; enabling needs a valid contact address.
class NotificationsSection : public QWidget
{
    Q_OBJECT

public:
    explicit NotificationsSection(Session &session, QWidget *parent = nullptr);

    QCheckBox *receiveBox() const { return m_receive; }
    QLineEdit *contactEdit() const { return m_contact; }
    QPushButton *validateButton() const { return m_validate; }
    QPushButton *cancelButton() const { return m_cancel; }
    QString errorText() const;
    MessageBar *messageBar() const { return m_messages; }
    QString confirmationText() const;

    void reload();
    void validate();

private:
    void edited();

    Session &m_session;
    QCheckBox *m_receive;
    QLineEdit *m_contact;
    MessageBar *m_messages;
    QPushButton *m_validate;
    QPushButton *m_cancel;
    FormFeedback m_feedback;
    bool m_dirty = false;
};

} // namespace guichet
