#pragma once

#include "ui/widgets/formfeedback.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

class MessageBar;

struct Session;

// « Modifier ses informations personnelles »: general information, postal
// address, password and secret question, saved together by one « Valider »
// (the updatePersonalInformation command: all of it or nothing). « Annuler »
// puts back what is saved.
class PersonalInfoSection : public QWidget
{
    Q_OBJECT

public:
    explicit PersonalInfoSection(Session &session, QWidget *parent = nullptr);

    // The input bound to core's field name (contactEmail, lastName, firstName,
    // addressLine, postalCode, city, country, currentPassword, newPassword,
    // confirmation, secretQuestion, secretAnswer).
    QLineEdit *edit(const QString &field) const { return m_edits.value(field); }
    QPushButton *validateButton() const { return m_validate; }
    QPushButton *cancelButton() const { return m_cancel; }
    // The red message naming the fields to complete ("" when none).
    QString errorText() const;
    MessageBar *messageBar() const { return m_messages; }
    // The discreet confirmation after a save ("" when none).
    QString confirmationText() const;

    // Puts back the saved values (also what « Annuler » does).
    void reload();
    void validate();

private:
    QLineEdit *addEdit(const QString &field, const QString &accessibleName);

    Session &m_session;
    QHash<QString, QLineEdit *> m_edits;
    QLabel *m_signInEmail;
    MessageBar *m_messages;
    QPushButton *m_validate;
    QPushButton *m_cancel;
    FormFeedback m_feedback;
    // Edited since the last load: a change elsewhere does not wipe what is typed.
    bool m_dirty = false;
};

} // namespace guichet
