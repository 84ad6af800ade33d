#include "models/attachmentmodel.h"

#include "kernel/structureidentifier.h"
#include "models/labels.h"

namespace guichet {

AttachmentModel::AttachmentModel(Core &core, qint64 userId, QObject *parent)
    : RecordListModel<AttachmentView>(parent)
    , m_core(core)
    , m_userId(userId)
{
    setCheckable(true);
    setColumns({
        { ColumnKind::Identifier, tr("Identifier"), [](const AttachmentView &r) { return r.siret; } },
        // The identifier's kind, short: « Identifiant | Type » reads as one.
        { ColumnKind::Identifier, tr("Type"), [](const AttachmentView &r) { return r.identifierType; },
          [](const AttachmentView &r) { return StructureIdentifier::shortLabelOfCode(r.identifierType); } },
        { tr("Company name"), [](const AttachmentView &r) { return r.raisonSociale; } },
        { ColumnKind::Role, tr("Role"), [](const AttachmentView &r) { return roleToString(r.role); },
          [](const AttachmentView &r) { return labels::role(r.role); } },
        { tr("Services"), [](const AttachmentView &r) { return r.services.join(QStringLiteral(", ")); },
          [](const AttachmentView &r) { return labels::services(r.wholeStructure, r.services); } },
        { ColumnKind::Date, tr("Validity"), [](const AttachmentView &r) { return r.validFrom; },
          [](const AttachmentView &r) { return labels::validity(r.validFrom, r.validUntil); } },
        { ColumnKind::Status, tr("Status"),
          [](const AttachmentView &r) { return labels::attachmentStatus(r.status); } },
    });
}

void AttachmentModel::setUserId(qint64 userId)
{
    m_userId = userId;
    reload();
}

void AttachmentModel::reload()
{
    setRecords(m_userId ? Attachments(m_core).userAttachments(m_userId) : QList<AttachmentView>());
}

QString AttachmentModel::roleLabel(const QString &role)
{
    const Role known = roleFromString(role);
    return known == Role::None ? role : labels::role(known);
}

} // namespace guichet
