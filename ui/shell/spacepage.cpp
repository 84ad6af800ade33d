#include "ui/shell/spacepage.h"

#include "models/recordtablemodel.h"
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
    , m_model(new RecordTableModel(this))
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
        { QStringLiteral("raisonSociale"), tr("Structure") },
        { QStringLiteral("serviceName"), tr("Service") },
        { QStringLiteral("mode"), tr("Mode"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("mode")).toString() == QLatin1String("modification")
                  ? tr("Modification")
                  : tr("Consultation");
          } },
        { QStringLiteral("effectiveDate"), tr("Effective from") },
    });
    auto *view = new QTableView(this);
    view->setObjectName(QStringLiteral("spaceSubscriptions"));
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
    QList<QVariantMap> rows;
    for (const QVariantMap &row : Subscriptions(m_session.core).userSubscriptions(m_session.userId())) {
        if (row.value(QStringLiteral("spaceCode")).toString() == m_spaceCode
            && row.value(QStringLiteral("status")).toString() == QLatin1String("validated"))
            rows.append(row);
    }
    m_model->setRecords(rows);
}

} // namespace guichet
