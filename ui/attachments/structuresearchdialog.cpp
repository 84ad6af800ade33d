#include "ui/attachments/structuresearchdialog.h"

#include "client/structureexport.h"
#include "kernel/structureidentifier.h"
#include "models/structuresearchmodel.h"
#include "ui/attachments/structurecreatedialog.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/icons.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace guichet {

namespace {
const QString settingsPrefix = QStringLiteral("attachments/structureSearch/");
// "columns", not the older "header": the widths saved before the identifier type
// had its own width would cut that column's title.
const QString headerKey = QStringLiteral("columns");
} // namespace

StructureSearchDialog::StructureSearchDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_raisonSociale(new QLineEdit(this))
    , m_siret(new QLineEdit(this))
    , m_libelle(new QLineEdit(this))
    , m_codePostal(new QLineEdit(this))
    , m_ville(new QLineEdit(this))
    , m_search(new QPushButton(themedIcon(QStringLiteral("edit-find")), tr("&Search"), this))
    , m_count(new QLabel(this))
    , m_widen(new QPushButton(themedIcon(QStringLiteral("edit-find")), QString(), this))
    , m_view(new QTableView(this))
    , m_model(new StructureSearchModel(session.directory, this))
    , m_select(new QPushButton(tr("S&elect"), this))
    , m_export(new QPushButton(tr("E&xport (CSV)"), this))
    , m_create(new QPushButton(tr("C&reate the structure"), this))
{
    setObjectName(QStringLiteral("structureSearchDialog"));
    setWindowTitle(tr("Request an attachment — find the structure"));

    const struct
    {
        QLineEdit *edit;
        const char *name;
        QString label;
        QString accessible;
    } fields[] = {
        { m_raisonSociale, "raisonSociale", tr("Company &name:"), tr("Company name") },
        { m_siret, "siret", tr("&Identifier:"), tr("Identifier") },
        { m_libelle, "libelle", tr("&Label:"), tr("Label of the structure") },
        { m_codePostal, "codePostal", tr("&Postal code:"), tr("Postal code") },
        { m_ville, "ville", tr("Cit&y:"), tr("City") },
    };
    auto *form = new QFormLayout;
    for (const auto &f : fields) {
        f.edit->setObjectName(QString::fromLatin1(f.name));
        f.edit->setAccessibleName(f.accessible);
        f.edit->setClearButtonEnabled(true);
        form->addRow(f.label, f.edit);
    }
    // The criterion matches every kind of identifier, not only SIRETs: say which.
    QStringList kinds;
    for (const IdentifierType type : StructureIdentifier::types()) {
        if (!StructureIdentifier::isGenerated(type))
            kinds << StructureIdentifier::shortLabelOfCode(StructureIdentifier::code(type));
    }
    m_siret->setPlaceholderText(tr("SIRET, VAT, RIDET, TAHITI…"));
    m_siret->setToolTip(tr("Any identifier: %1, or a number Guichet gave (PAR#…, IMM#…).")
                            .arg(kinds.join(QStringLiteral(", "))));
    auto *tip = new QLabel(tr("Tip: use stars to widen the search, e.g. *menuiserie* finds every structure "
                              "whose company name contains « menuiserie ». Prefer the identifier and the "
                              "company name to avoid attaching to the wrong structure."),
                           this);
    tip->setWordWrap(true);
    tip->setObjectName(QStringLiteral("tip"));

    m_search->setObjectName(QStringLiteral("search"));
    m_search->setDefault(true);
    connect(m_search, &QPushButton::clicked, this, &StructureSearchDialog::search);

    m_count->setObjectName(QStringLiteral("count"));
    m_widen->setObjectName(QStringLiteral("widen"));
    m_widen->setAutoDefault(false);
    m_widen->hide();
    connect(m_widen, &QPushButton::clicked, this, &StructureSearchDialog::widen);
    m_view->setObjectName(QStringLiteral("results"));
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Structures found"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    // Fixed row heights: the view never measures a million rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Widths from the font, not from the rows (which could be a million).
    const QFontMetrics metrics(m_view->font());
    m_view->setColumnWidth(StructureSearchModel::SiretColumn,
                           metrics.horizontalAdvance(QStringLiteral("00000000000000")) + 24);
    m_view->setColumnWidth(StructureSearchModel::RaisonSocialeColumn,
                           metrics.horizontalAdvance(QStringLiteral("EURL MENUISERIE DUPONT ET FILS")) + 16);
    m_view->setColumnWidth(
        StructureSearchModel::CodePostalColumn,
        metrics.horizontalAdvance(
            m_model->headerData(StructureSearchModel::CodePostalColumn, Qt::Horizontal).toString())
            + 24);
    // The identifier's kind: as wide as its header or its widest short label.
    int typeWidth = metrics.horizontalAdvance(
        m_model->headerData(StructureSearchModel::IdentifierTypeColumn, Qt::Horizontal).toString());
    for (const IdentifierType type : StructureIdentifier::types())
        typeWidth = std::max(typeWidth,
                             metrics.horizontalAdvance(
                                 StructureIdentifier::shortLabelOfCode(StructureIdentifier::code(type))));
    m_view->setColumnWidth(StructureSearchModel::IdentifierTypeColumn, typeWidth + 24);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->restoreState(QSettings().value(settingsPrefix + headerKey).toByteArray());
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.column() != StructureSearchModel::SelectionColumn) {
            m_model->setChecked(index.row(), true);
            select();
        }
    });
    connect(m_model, &StructureSearchModel::checkedChanged, this, &StructureSearchDialog::updateButtons);
    connect(m_model, &StructureSearchModel::searchFinished, this, [this] {
        showCount();
        m_view->scrollToTop();
        if (m_model->totalCount() > 0)
            m_view->setFocus();
    });
    // Connected, the table grows as pages arrive: the count follows.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_model->isSearching())
            showCount();
    });
    // A lower bound shown first (a very common pattern): the exact count follows.
    connect(m_model, &StructureSearchModel::countChanged, this, &StructureSearchDialog::showCount);
    connect(m_model, &StructureSearchModel::pageFailed, this,
            [this](const QString &message) { m_count->setText(tr("The search failed: %1").arg(message)); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &StructureSearchDialog::updateButtons);

    m_select->setObjectName(QStringLiteral("select"));
    m_export->setObjectName(QStringLiteral("export"));
    m_export->setIcon(themedIcon(QStringLiteral("document-save-as")));
    m_create->setObjectName(QStringLiteral("create"));
    for (QPushButton *button : { m_select, m_export, m_create })
        button->setAutoDefault(false);
    connect(m_select, &QPushButton::clicked, this, &StructureSearchDialog::select);
    connect(m_export, &QPushButton::clicked, this, &StructureSearchDialog::chooseExportFile);
    connect(m_create, &QPushButton::clicked, this, &StructureSearchDialog::createStructure);

    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_count, 1);
    searchRow->addWidget(m_widen);
    searchRow->addWidget(m_search);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(m_create, QDialogButtonBox::ActionRole);
    buttons->addButton(m_export, QDialogButtonBox::ActionRole);
    buttons->addButton(m_select, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(tip);
    layout->addLayout(searchRow);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);

    setTabOrder(m_ville, m_search);
    setTabOrder(m_search, m_view);
    // Wide enough for the results, never wider than the screen (1024×768 included), frame and title bar
    // aside.
    QSize size = QSettings().value(settingsPrefix + QStringLiteral("size"), QSize(1040, 600)).toSize();
    if (const QScreen *screen = this->screen())
        size = size.boundedTo(screen->availableGeometry().size() - QSize(48, 64));
    resize(size);
    updateButtons();
}

StructureSearchDialog::~StructureSearchDialog()
{
    QSettings settings;
    settings.setValue(settingsPrefix + headerKey, m_view->horizontalHeader()->saveState());
    settings.setValue(settingsPrefix + QStringLiteral("size"), size());
}

QLineEdit *StructureSearchDialog::criterion(const QString &name) const
{
    return findChild<QLineEdit *>(name);
}

StructureCriteria StructureSearchDialog::criteria() const
{
    StructureCriteria c;
    c.raisonSociale = m_raisonSociale->text();
    c.siret = m_siret->text();
    c.libelle = m_libelle->text();
    c.codePostal = m_codePostal->text();
    c.ville = m_ville->text();
    return c;
}

void StructureSearchDialog::search()
{
    const StructureCriteria c = criteria();
    if (c.isEmpty()) {
        m_count->setText(tr("Enter at least one criterion."));
        m_raisonSociale->setFocus();
        return;
    }
    m_searched = true;
    m_count->setText(tr("Searching…"));
    // Counting a very common pattern takes a moment on a big database; the
    // standalone directory answers before setCriteria returns (showCount runs
    // then), a server later.
    QApplication::setOverrideCursor(Qt::WaitCursor);
    m_model->setCriteria(c);
    QApplication::restoreOverrideCursor();
    // A new search starts from its first result, not where the last one was scrolled.
    m_view->scrollToTop();
    updateButtons();
}

QList<QPair<QLineEdit *, QString>> StructureSearchDialog::widened() const
{
    QList<QPair<QLineEdit *, QString>> fields;
    for (QLineEdit *edit : { m_raisonSociale, m_libelle, m_ville }) {
        const QString text = edit->text().trimmed();
        if (!text.isEmpty() && !text.contains(QLatin1Char('*')))
            fields.append({ edit, QLatin1Char('*') + text + QLatin1Char('*') });
    }
    return fields;
}

void StructureSearchDialog::widen()
{
    for (const auto &field : widened())
        field.first->setText(field.second);
    search();
}

void StructureSearchDialog::showCount()
{
    if (!m_model->errorMessage().isEmpty()) {
        m_count->setText(tr("The search failed: %1").arg(m_model->errorMessage()));
        updateButtons();
        return;
    }
    const qint64 n = m_model->totalCount();
    const int shown = int(std::min<qint64>(n, INT_MAX));
    const auto wider = widened();
    m_widen->setVisible(n == 0 && !wider.isEmpty());
    if (!wider.isEmpty())
        m_widen->setText(tr("Search « %1 »").arg(wider.first().second));
    if (n == 0)
        m_count->setText(wider.isEmpty() ? tr("No structure matches these criteria.")
                                         : tr("No structure is named exactly so. Widen the search to the "
                                              "names containing it?"));
    else if (!m_model->isCountExact())
        m_count->setText(tr("At least %n structure(s) found; counting them all…", nullptr, shown));
    else if (m_model->isCountFinal())
        m_count->setText(tr("%n structure(s) found.", nullptr, shown));
    else
        m_count->setText(tr("%n structure(s) found so far; scroll down for more.", nullptr, shown));
    // No resizeColumnToContents here: it would read up to a thousand rows.
    updateButtons();
}

std::optional<StructureRow> StructureSearchDialog::candidate() const
{
    const QList<StructureRow> checked = m_model->checkedStructures();
    if (checked.size() == 1)
        return checked.first();
    if (!checked.isEmpty())
        return std::nullopt;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.size() == 1)
        return m_model->structureAt(rows.first().row());
    return std::nullopt;
}

void StructureSearchDialog::updateButtons()
{
    m_select->setEnabled(candidate().has_value());
    m_export->setEnabled(m_model->totalCount() > 0);
    m_create->setVisible(m_searched && m_model->totalCount() == 0);
}

void StructureSearchDialog::select()
{
    m_selected = candidate();
    if (m_selected)
        accept();
}

void StructureSearchDialog::chooseExportFile()
{
    QSettings settings;
    const QString folder
        = settings.value(settingsPrefix + QStringLiteral("exportFolder"), QDir::homePath()).toString();
    const QString path
        = Dialogs::saveFileName(this, tr("Export the structures found"),
                                QDir(folder).filePath(tr("structures.csv")), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    settings.setValue(settingsPrefix + QStringLiteral("exportFolder"), QFileInfo(path).absolutePath());
    if (exportCsv(path))
        Dialogs::information(
            this, tr("Export"),
            tr("%n structure(s) exported to %1.", nullptr, int(std::min<qint64>(m_exported, INT_MAX)))
                .arg(QDir::toNativeSeparators(path)));
}

bool StructureSearchDialog::exportCsv(const QString &path)
{
    StructureExport job(m_session.directory, m_model->criteria(), path, StructureSearchModel::exportHeader(),
                        &StructureSearchModel::exportFields);
    // Connected, guichetd answers pages with "more" only: the bar then just moves.
    const bool countFinal = m_model->isCountFinal() && m_model->isCountExact();
    QProgressDialog progress(tr("Exporting the structures…"), tr("Cancel"), 0,
                             countFinal ? int(std::min<qint64>(m_model->totalCount(), INT_MAX)) : 0, this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QEventLoop loop;
    bool cancelled = false;
    QString error;
    connect(&job, &StructureExport::progressed, &progress, [&](qint64 written) {
        if (countFinal)
            progress.setValue(int(std::min<qint64>(written, INT_MAX)));
    });
    connect(&progress, &QProgressDialog::canceled, &job, &StructureExport::cancel);
    connect(&job, &StructureExport::finished, &loop, [&](bool wasCancelled, const QString &failure) {
        cancelled = wasCancelled;
        error = failure;
        loop.quit();
    });
    job.start();
    loop.exec();
    progress.reset();
    if (cancelled)
        return false;
    if (!error.isEmpty()) {
        Dialogs::warning(this, tr("Export"), error);
        return false;
    }
    m_exported = job.written();
    return true;
}

void StructureSearchDialog::createStructure()
{
    StructureCreateDialog dialog(m_session, 0, this);
    // What was searched without wildcards is a good start.
    const auto plain = [](const QLineEdit *edit) {
        return edit->text().contains(QLatin1Char('*')) ? QString() : edit->text().trimmed();
    };
    StructureInput input;
    input.siret = plain(m_siret);
    input.raisonSociale = plain(m_raisonSociale);
    input.libelle = plain(m_libelle);
    input.codePostal = plain(m_codePostal);
    input.ville = plain(m_ville);
    dialog.setInput(input);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    m_created = dialog.structureId();
    // The creator is the principal manager already: no request to send.
    reject();
}

} // namespace guichet
