#pragma once

#include "models/recordtablemodel.h"
#include "rules/files/attachedfiles.h"

namespace guichet {

class Core;

// « Mes pièces jointes »: the user's own files (metadata only, never content),
// with a « Sélection » column for downloading or deleting the checked ones.
class AttachedFileModel : public RecordListModel<AttachedFileInfo>
{
    Q_OBJECT

public:
    enum Column { SelectionColumn, DesignationColumn, TypeColumn, FileNameColumn, SizeColumn, DateColumn };

    AttachedFileModel(Core &core, qint64 userId, QObject *parent = nullptr);

    void reload() override;

    // "1.5 MiB", "820 bytes": sizes as people read them.
    static QString humanSize(qint64 bytes);

private:
    Core &m_core;
    qint64 m_userId;
};

} // namespace guichet
