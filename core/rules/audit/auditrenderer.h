#pragma once

#include "rules/audit/auditlog.h"
#include "rules/audit/auditstore.h"

#include <QCoreApplication>
#include <QLocale>

namespace guichet {

class MailText;

// Turns audit entries into sentences with the guide's vocabulary and the
// names of people, structures, spaces and services: « Claire DUBOIS a validé
// la demande de rattachement de Thomas LAMBERT à Menuiserie Dupont. ». The
// history, its CSV export, guichetctl and the weekly digest all read entries
// through it, so no text is ever parsed back. Entries written before actions
// were recorded get a general sentence about what they changed.
class AuditRenderer
{
    Q_DECLARE_TR_FUNCTIONS(guichet::AuditRenderer)

public:
    // In the UI's language (the installed translator).
    AuditRenderer() = default;
    // In the mail recipient's language.
    explicit AuditRenderer(const MailText &mailText);

    // The ids whose names entries need (AuditStore::names).
    static AuditNameIds nameIds(const QList<AuditEntry> &entries);

    // One sentence, with the comment after « — comment : » when there is one.
    QString sentence(const AuditEntry &entry, const AuditNames &names) const;
    // « Claire DUBOIS »; the e-mail for an account without a name, « the system » for none.
    QString person(qint64 userId, const AuditNames &names) const;
    // The label of a family of actions: « Rattachements ».
    QString familyLabel(AuditFamily family) const;
    QString actorLabel(const AuditEntry &entry, const AuditNames &names) const;

private:
    QString translate(const char *context, const char *source, const char *disambiguation = nullptr,
                      int n = -1) const;
    QString body(const AuditEntry &entry, const AuditNames &names) const;
    QString olderEntry(const AuditEntry &entry, const AuditNames &names) const;
    QString structure(qint64 structureId, const AuditNames &names) const;
    QString space(qint64 spaceId, const AuditNames &names) const;
    QString role(const QString &code) const;
    QString mode(const QString &code) const;
    QString scope(const AuditRecord &record, const AuditNames &names) const;
    QString validity(const AuditRecord &record) const;
    QString date(QDate date) const;
    QString dateTime(const QDateTime &at) const;
    QString solicitationStatus(const QString &code) const;
    QString solicitationCategory(const QString &code) const;
    QLocale locale() const;

    const MailText *m_mailText = nullptr;
};

} // namespace guichet
