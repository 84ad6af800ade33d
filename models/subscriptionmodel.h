#pragma once

#include "models/recordtablemodel.h"

#include <QCoreApplication>

namespace guichet {

class Core;

// « Mes abonnements aux espaces »: the user's subscriptions (validated and
// awaiting validation), one row per space, service and mode, with a « Sélection »
// column for « Supprimer les abonnements cochés ».
class SubscriptionModel : public RecordTableModel
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

    // « modification » / « consultation », as the guide names the modes.
    static QString modeLabel(const QString &mode);

private:
    Core &m_core;
    qint64 m_userId;
};

} // namespace guichet
