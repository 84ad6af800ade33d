#include "ui/widgets/historypanel.h"

#include "kernel/clock.h"
#include "models/auditentrymodel.h"
#include "rules/audit/auditrenderer.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/recordtable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

HistoryPanel::HistoryPanel(Session &session, Scope scope, const QString &settingsKey, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_scope(scope)
    , m_settingsKey(settingsKey)
    , m_model(new AuditEntryModel(session.core, scope == Scope::AllStructures, this))
    , m_table(new QTableView(this))
    , m_person(new QComboBox(this))
    , m_structure(new QComboBox(this))
    , m_kind(new QComboBox(this))
    , m_dates(new QCheckBox(tr("&Between"), this))
    , m_from(new QDateEdit(session.clock.today().addMonths(-1), this))
    , m_to(new QDateEdit(session.clock.today(), this))
    , m_export(new QPushButton(tr("E&xport as CSV…"), this))
{
    m_person->setObjectName(QStringLiteral("historyPerson"));
    m_person->setAccessibleName(tr("Person"));
    m_person->setToolTip(tr("Only what this person did or what was done about them"));
    m_person->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_person->setMinimumContentsLength(12);
    m_structure->setObjectName(QStringLiteral("historyStructure"));
    m_structure->setAccessibleName(tr("Structure"));
    m_structure->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_structure->setMinimumContentsLength(12);
    m_structure->setVisible(scope == Scope::AllStructures);
    m_kind->setObjectName(QStringLiteral("historyKind"));
    m_kind->setAccessibleName(tr("Kind of action"));
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_kind->setMinimumContentsLength(10);
    m_kind->addItem(tr("Every kind of action"), -1);
    const AuditRenderer renderer;
    for (const AuditFamily family : audit::families())
        m_kind->addItem(renderer.familyLabel(family), int(family));
    m_dates->setObjectName(QStringLiteral("historyDates"));
    m_from->setObjectName(QStringLiteral("historyFrom"));
    m_from->setAccessibleName(tr("From"));
    m_from->setCalendarPopup(true);
    m_to->setObjectName(QStringLiteral("historyTo"));
    m_to->setAccessibleName(tr("Until"));
    m_to->setCalendarPopup(true);
    m_export->setObjectName(QStringLiteral("exportHistory"));
    m_export->setIcon(QIcon::fromTheme(QStringLiteral("document-save-as")));

    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setAccessibleName(tr("History"));
    setUpRecordTable(m_table, new QSortFilterProxyModel(m_table), m_model, 0, m_settingsKey,
                     Qt::DescendingOrder);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_person, 1);
    filters->addWidget(m_structure, 1);
    filters->addWidget(m_kind, 1);
    filters->addWidget(m_dates);
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(tr("and"), this));
    filters->addWidget(m_to);
    filters->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    setTabOrder(m_export, m_table); // the filters first, as they are read

    connect(m_person, &QComboBox::currentIndexChanged, this, &HistoryPanel::applyFilter);
    connect(m_structure, &QComboBox::currentIndexChanged, this, [this] {
        reloadPeople();
        applyFilter();
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &HistoryPanel::applyFilter);
    connect(m_dates, &QCheckBox::toggled, this, &HistoryPanel::applyFilter);
    connect(m_from, &QDateEdit::dateChanged, this, &HistoryPanel::applyFilter);
    connect(m_to, &QDateEdit::dateChanged, this, &HistoryPanel::applyFilter);
    connect(m_export, &QPushButton::clicked, this, &HistoryPanel::exportCsv);
    if (scope == Scope::AllStructures)
        setStructureChoices({});
    else
        setStructure(0, QString());
}

HistoryPanel::~HistoryPanel()
{
    saveRecordTableHeader(m_table, m_settingsKey);
}

QString HistoryPanel::exportFolderKey()
{
    return QStringLiteral("auditExport/lastFolder");
}

void HistoryPanel::setStructure(qint64 structureId, const QString &name)
{
    setStructures(structureId ? QList<qint64> { structureId } : QList<qint64>(), name);
}

void HistoryPanel::setStructures(const QList<qint64> &structureIds, const QString &name)
{
    m_structureIds = structureIds;
    m_structureName = name;
    reloadPeople();
    applyFilter();
}

void HistoryPanel::setStructureChoices(const QList<std::pair<qint64, QString>> &structures)
{
    {
        const QSignalBlocker blocker(m_structure);
        const qint64 current = m_structure->currentData().toLongLong();
        m_structure->clear();
        m_structure->addItem(tr("All structures"), qint64(0));
        for (const auto &[id, label] : structures)
            m_structure->addItem(label, id);
        m_structure->setCurrentIndex(qMax(0, m_structure->findData(current)));
    }
    reloadPeople();
    applyFilter();
}

void HistoryPanel::reload()
{
    reloadPeople();
    m_model->reload();
    updateEmptyText();
}

void HistoryPanel::reloadPeople()
{
    QList<qint64> structureIds = m_structureIds;
    if (m_scope == Scope::AllStructures) {
        structureIds.clear();
        if (const qint64 chosen = m_structure->currentData().toLongLong())
            structureIds << chosen;
    }
    const QSignalBlocker blocker(m_person);
    const qint64 current = m_person->currentData().toLongLong();
    m_person->clear();
    m_person->addItem(tr("Everyone"), qint64(0));
    if (m_scope == Scope::AllStructures || !structureIds.isEmpty()) {
        for (const auto &[id, name] : AuditLog(m_session.core).people(structureIds))
            m_person->addItem(name, id);
    }
    m_person->setCurrentIndex(qMax(0, m_person->findData(current)));
}

void HistoryPanel::applyFilter()
{
    AuditFilter filter;
    if (m_scope == Scope::OneStructure)
        filter.structureIds = m_structureIds;
    else
        filter.structureId = m_structure->currentData().toLongLong();
    filter.personId = m_person->currentData().toLongLong();
    const int kind = m_kind->currentData().toInt();
    if (kind >= 0)
        filter.families = { AuditFamily(kind) };
    if (m_dates->isChecked()) {
        filter.since = QDateTime(m_from->date(), QTime(0, 0), Qt::LocalTime);
        filter.until = QDateTime(m_to->date().addDays(1), QTime(0, 0), Qt::LocalTime);
    }
    m_from->setEnabled(m_dates->isChecked());
    m_to->setEnabled(m_dates->isChecked());
    const bool chosen = m_scope == Scope::AllStructures || !m_structureIds.isEmpty();
    for (QWidget *w : std::initializer_list<QWidget *> { m_person, m_kind, m_dates, m_export })
        w->setEnabled(chosen);
    m_model->setFilter(filter, chosen);
    updateEmptyText();
}

void HistoryPanel::updateEmptyText()
{
    const bool filtered = m_person->currentIndex() > 0 || m_kind->currentIndex() > 0 || m_dates->isChecked();
    QString text;
    if (m_scope == Scope::OneStructure) {
        if (m_structureIds.isEmpty())
            text = tr("Choose a structure you manage.");
        else if (filtered)
            text = tr("Nothing is recorded for %1 with these filters.").arg(m_structureName);
        else
            text = tr("Nothing is recorded for %1 yet.").arg(m_structureName);
    } else {
        text = filtered || m_structure->currentIndex() > 0 ? tr("Nothing is recorded with these filters.")
                                                           : tr("Nothing is recorded yet.");
    }
    setEmptyText(m_table, text);
}

void HistoryPanel::exportCsv()
{
    const QString title = tr("Export the history");
    QSettings settings;
    const QString folder
        = settings
              .value(exportFolderKey(), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
              .toString();
    const QString path = Dialogs::saveFileName(this, title, folder + QStringLiteral("/history.csv"),
                                               tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    settings.setValue(exportFolderKey(), QFileInfo(path).absolutePath());
    QProgressDialog progress(tr("Exporting the history…"), QString(), 0, 0, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    QSaveFile file(path);
    const bool ok = file.open(QIODevice::WriteOnly)
        && AuditLog(m_session.core).exportCsv(m_model->filter(), file) && file.commit();
    progress.reset();
    if (!ok)
        Dialogs::warning(this, title,
                         tr("The file %1 could not be written: %2").arg(path, file.errorString()));
}

} // namespace guichet
