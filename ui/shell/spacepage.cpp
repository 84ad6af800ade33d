#include "ui/shell/spacepage.h"

#include "models/labels.h"
#include "rules/spaces/subscriptions.h"
#include "ui/shell/session.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

SpacePage::SpacePage(Session &session, const QString &spaceCode, const QString &spaceName, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_spaceCode(spaceCode)
    , m_model(new RecordListModel<SubscriptionView>(this))
{
    setObjectName(QStringLiteral("space_") + spaceCode);
    auto *title = new QLabel(spaceName, this);
    QFont font = title->font();
    font.setPointSize(font.pointSize() + 4);
    font.setBold(true);
    title->setFont(font);
    auto *explanation = new QLabel(tr("Your subscriptions to this space. Its own functions (invoices, "
                                      "solicitations …) are in the portal; "
                                      "Guichet manages who may use them."),
                                   this);
    explanation->setWordWrap(true);

    m_model->setColumns({
        { tr("Structure"), [](const SubscriptionView &r) { return r.raisonSociale; } },
        { tr("Service"), [](const SubscriptionView &r) { return r.serviceName; } },
        { ColumnKind::Role, tr("Mode"), [](const SubscriptionView &r) { return r.mode; },
          [](const SubscriptionView &r) { return labels::mode(r.mode); } },
        { ColumnKind::Date, tr("Effective from"), [](const SubscriptionView &r) { return r.effectiveDate; } },
    });
    auto *view = new QTableView(this);
    view->setObjectName(QStringLiteral("spaceSubscriptions"));
    view->setAccessibleName(tr("My subscriptions to this space"));
    view->setModel(m_model);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->verticalHeader()->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(explanation);
    layout->addWidget(view, 1);
    reload();
}

void SpacePage::reload()
{
    QList<SubscriptionView> rows;
    for (const SubscriptionView &row : Subscriptions(m_session.core).userSubscriptions(m_session.userId())) {
        if (row.spaceCode == m_spaceCode && row.status == QLatin1String("validated"))
            rows.append(row);
    }
    m_model->setRecords(rows);
}

} // namespace guichet
