#pragma once

#include "models/recordtablemodel.h"
#include "rules/attachments/attachments.h"

namespace guichet {

class Core;

// « Mes rattachements aux structures »: the user's pending and validated
// attachments (Attachments::userAttachments), with a checkbox column for
// « Supprimer rattachements ».
class AttachmentModel : public RecordListModel<AttachmentView>
{
    Q_OBJECT

public:
    AttachmentModel(Core &core, qint64 userId, QObject *parent = nullptr);

    void setUserId(qint64 userId);
    void reload() override;

    // labels::role for a role's code ('principal', 'secondary', 'user'), for
    // the screens that hold the code as a string; unknown codes as is.
    static QString roleLabel(const QString &role);

private:
    Core &m_core;
    qint64 m_userId;
};

} // namespace guichet
