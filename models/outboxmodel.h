#pragma once

#include "models/recordtablemodel.h"

namespace guichet {

class Core;

// The local outbox (the mail_outbox table core/mail/mailoutbox.h manages): the mails Guichet queued, newest
// first. Records: id, createdAt, recipient, subject, sent (bool), status
// (text), bodyText. In standalone mode this is where a user reads the mails
// Guichet "sent", such as a reactivation link.
class OutboxModel : public RecordTableModel
{
    Q_OBJECT

public:
    enum Column { DateColumn, RecipientColumn, SubjectColumn, StatusColumn };

    explicit OutboxModel(Core &core, QObject *parent = nullptr);

    // At most this many of the newest mails are listed.
    static constexpr int MaxMails = 1000;

    void reload() override;
    QString bodyText(int row) const;

private:
    Core &m_core;
};

} // namespace guichet
