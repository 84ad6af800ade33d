#pragma once

#include "models/recordtablemodel.h"
#include "rules/manager/manageractivity.h"

namespace guichet {

class Core;

// « Utilisateurs » of the manager's activity: the users attached to one
// structure (ManagerActivity::structureUsers) with role, status, validity,
// services and how many subscriptions they have there.
class StructureUserModel : public RecordListModel<StructureUser>
{
    Q_OBJECT

public:
    explicit StructureUserModel(Core &core, QObject *parent = nullptr);

    void setStructureId(qint64 structureId);
    qint64 structureId() const { return m_structureId; }
    void reload() override;

private:
    Core &m_core;
    qint64 m_structureId = 0;
};

} // namespace guichet
