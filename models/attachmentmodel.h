#pragma once

#include "models/recordtablemodel.h"

namespace guichet {

class Core;

// « Mes rattachements aux structures »: the user's pending and validated
// attachments (Attachments::userAttachments), with a checkbox column for
// « Supprimer rattachements ».
class AttachmentModel : public RecordTableModel
{
    Q_OBJECT

public:
    AttachmentModel(Core &core, qint64 userId, QObject *parent = nullptr);

    void setUserId(qint64 userId);
    void reload() override;

    static QString roleLabel(const QString &role);

private:
    Core &m_core;
    qint64 m_userId;
};

} // namespace guichet
