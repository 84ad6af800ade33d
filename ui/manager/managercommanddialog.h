#pragma once

#include "kernel/commandresult.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>
#include <QList>

#include <functional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLayout;
class QListWidget;
class QPushButton;

namespace guichet {

struct CommandCall;
struct Session;

// What the manager's one-command dialogs (« Inviter un utilisateur »,
// « Rattacher à plusieurs structures », « Abonner en masse ») share: an intro,
// their form, the red message under it, Cancel and the button that sends the
// command. While the command runs that button is disabled; a refusal names the
// field at fault and keeps everything typed; success closes the dialog.
class ManagerCommandDialog : public QDialog
{
    Q_OBJECT

public:
    // The refusal shown, empty when none.
    QString errorText() const;

    // The data (Qt::UserRole, an id) of the checked items of `list`, in its order.
    static QList<qint64> checkedIds(const QListWidget *list);
    // The roles a manager gives (« Utilisateur », « Gestionnaire secondaire »), by code.
    static void addGrantableRoles(QComboBox *box);

protected:
    ManagerCommandDialog(Session &session, const QString &objectName, const QString &title, QWidget *parent);

    // Lays the dialog out: `intro` (word-wrapped), `form`, the message, the
    // buttons; the accept button says `acceptText` and calls submit().
    void setUp(QLabel *intro, QLayout *form, const QString &acceptText, const QString &acceptName);
    // Sends `call`; on success `accepted` reads the answer, then the dialog closes.
    void send(const CommandCall &call, std::function<void(const CommandResult &)> accepted = {});
    virtual void submit() = 0;

    // The role given (addGrantableRoles) and the attachment's validity: from,
    // and until only once « Until » is checked; each bound to its field name.
    void setUpRoleAndValidity(QComboBox *role, QDateEdit *from, QCheckBox *hasUntil, QDateEdit *until);
    // « Whole structure » and, unchecked, the structure's active services to check.
    void addServicesPicker(QCheckBox *whole, QListWidget *services, qint64 structureId);

    FormFeedback &feedback() { return m_feedback; }
    QPushButton *acceptButton() const { return m_accept; }
    Session &session() const { return m_session; }

private:
    Session &m_session;
    QLabel *m_error;
    QPushButton *m_accept = nullptr;
    FormFeedback m_feedback;
};

} // namespace guichet
