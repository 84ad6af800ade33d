#pragma once

#include "kernel/commandresult.h"
#include "models/recordtablemodel.h"
#include "rules/support/solicitations.h"
#include "rules/support/support.h"

namespace guichet {

class Core;

// « Support » › « Utilisateurs »: Support::searchUsers for the signed-in
// support user. Refused searches list nothing (lastResult() says why).
class SupportUserModel : public RecordListModel<SupportUserRow>
{
    Q_OBJECT

public:
    SupportUserModel(Core &core, qint64 supportId, QObject *parent = nullptr);

    void setCriteria(const SupportUserCriteria &criteria);
    const CommandResult &lastResult() const { return m_result; }
    void reload() override;

private:
    Core &m_core;
    qint64 m_supportId;
    SupportUserCriteria m_criteria;
    CommandResult m_result;
};

// A row of « Support » › « Structures ».
struct SupportStructure
{
    qint64 id = 0; // the structure
    QString siret;
    QString identifierType; // StructureIdentifier::code of `siret`
    QString raisonSociale;
    bool withoutPrincipal = false; // no active principal manager today
    QString formerPrincipal; // « First LAST <email> » of the deactivated principal, or empty
};

// « Support » › « Structures »: the structures matching a raison sociale or
// SIRET (Structures::search), or, with an empty search, the structures without
// an active principal manager (Support::structuresWithoutPrincipal).
class SupportStructureModel : public RecordListModel<SupportStructure>
{
    Q_OBJECT

public:
    static constexpr int SearchLimit = 500;

    SupportStructureModel(Core &core, qint64 supportId, QObject *parent = nullptr);

    void setSearch(const QString &text);
    const CommandResult &lastResult() const { return m_result; }
    void reload() override;

private:
    Core &m_core;
    qint64 m_supportId;
    QString m_text;
    CommandResult m_result;
};

// « Support » › « Sollicitations »: support's queue, filtered by state (empty = all).
class SolicitationQueueModel : public RecordListModel<SolicitationInfo>
{
    Q_OBJECT

public:
    SolicitationQueueModel(Core &core, qint64 supportId, QObject *parent = nullptr);

    void setStatusFilter(const QString &status);
    const QString &statusFilter() const { return m_status; }
    void reload() override;

private:
    Core &m_core;
    qint64 m_supportId;
    QString m_status;
};

} // namespace guichet
