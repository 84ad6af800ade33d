#pragma once

#include "models/recordtablemodel.h"
#include "rules/spaces/subscriptions.h"

#include <QCoreApplication>

namespace guichet {

class Core;

// « Mes abonnements aux espaces »: the user's subscriptions (validated and
// awaiting validation), one row per space, service and mode, with a « Sélection »
// column for « Supprimer les abonnements cochés ».
class SubscriptionModel : public RecordListModel<SubscriptionView>
{
    Q_OBJECT

public:
    enum Column {
        SelectionColumn,
        StructureColumn,
        SpaceColumn,
        ServiceColumn,
        ModeColumn,
        EffectiveDateColumn,
        CommentColumn,
        StatusColumn
    };

    SubscriptionModel(Core &core, qint64 userId, QObject *parent = nullptr);

    void reload() override;

private:
    Core &m_core;
    qint64 m_userId;
};

} // namespace guichet
