#include "ui/files/attachedfilessection.h"

#include "commands/commandargs.h"
#include "models/attachedfilemodel.h"
#include "rules/files/attachedfiles.h"
#include "ui/files/attachedfiledialog.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/flowlayout.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/sectionhead.h"
#include "ui/widgets/taborder.h"

#include <QAction>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <functional>

namespace guichet {

namespace {
const QString headerKey = QStringLiteral("attachedFiles/header");
const QString folderKey = QStringLiteral("attachedFiles/lastFolder");
constexpr int maxSameName = 999;

// Writes `bytes` into `folder` under `name`, never over an existing file:
// « name (2).pdf », « name (3).pdf »… as core's export does. Returns the path
// written, or an empty string with `error` set.
QString writeNewFile(const QDir &folder, const QString &name, const QByteArray &bytes, QString *error)
{
    const QFileInfo nameInfo(name);
    const QString base = nameInfo.completeBaseName().isEmpty() ? name : nameInfo.completeBaseName();
    const QString suffix = nameInfo.completeBaseName().isEmpty() || nameInfo.suffix().isEmpty()
        ? QString()
        : QLatin1Char('.') + nameInfo.suffix();
    for (int n = 1; n <= maxSameName; ++n) {
        const QString candidate = n == 1 ? name : QStringLiteral("%1 (%2)%3").arg(base).arg(n).arg(suffix);
        QFile file(folder.filePath(candidate));
        // NewOnly: an existing file is never overwritten, even one created meanwhile.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            if (file.exists())
                continue;
            *error = AttachedFilesSection::tr("Cannot write '%1': %2")
                         .arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
            return {};
        }
        if (file.write(bytes) != bytes.size() || !file.flush()) {
            *error = AttachedFilesSection::tr("Cannot write '%1': %2")
                         .arg(QDir::toNativeSeparators(file.fileName()), file.errorString());
            file.close();
            file.remove();
            return {};
        }
        return file.fileName();
    }
    *error = AttachedFilesSection::tr("Cannot find a free name for '%1' in the folder.").arg(name);
    return {};
}
} // namespace

AttachedFilesSection::AttachedFilesSection(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new AttachedFileModel(session.core, session.userId(), this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_edit(new QPushButton(themedIcon(QStringLiteral("document-edit")), tr("&Edit…"), this))
    , m_download(new QPushButton(themedIcon(QStringLiteral("document-save")), tr("Down&load…"), this))
    , m_delete(new QPushButton(themedIcon(QStringLiteral("edit-delete")), tr("&Delete"), this))
    , m_downloadChecked(new QPushButton(tr("Download the chec&ked files…"), this))
    , m_deleteChecked(new QPushButton(tr("Delete the c&hecked files"), this))
    , m_manage(new QPushButton(themedIcon(QStringLiteral("list-add")), tr("&Manage attached files…"), this))
    , m_messages(new MessageBar(this))
{
    setObjectName(QStringLiteral("attachedFiles"));
    auto *title = createSectionTitle(tr("My attached files"), this);
    auto *intro = createSectionIntro(tr("Files kept in your account to attach quickly to an invoice, such as "
                                        "supporting documents (a vehicle registration for travel expenses, "
                                        "brochures…); %1 MB at most each.")
                                         .arg(AttachedFiles::MaxSize / (1024 * 1024)),
                                     this);

    m_table->setObjectName(QStringLiteral("attachedFilesTable"));
    m_table->setAccessibleName(tr("My attached files"));
    setUpRecordTable(m_table, m_proxy, m_model, AttachedFileModel::DesignationColumn, headerKey);
    setEmptyText(m_table, tr("No file is attached to your account. Manage attached files to add one."));

    const auto addTableAction = [this](const QString &text, void (AttachedFilesSection::*slot)(),
                                       const QKeySequence &shortcut = {}) {
        auto *action = new QAction(text, m_table);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetShortcut);
        connect(action, &QAction::triggered, this, slot);
        m_table->addAction(action);
    };
    addTableAction(tr("Edit this file…"), &AttachedFilesSection::editCurrent, QKeySequence(Qt::Key_F2));
    addTableAction(tr("Download this file…"), &AttachedFilesSection::downloadCurrent, QKeySequence::Save);
    addTableAction(tr("Delete this file"), &AttachedFilesSection::deleteCurrent, QKeySequence::Delete);
    addTableAction(tr("Download the checked files…"), &AttachedFilesSection::downloadChecked);
    addTableAction(tr("Delete the checked files"), &AttachedFilesSection::deleteChecked);
    connect(m_table, &QTableView::activated, this, &AttachedFilesSection::editCurrent);

    m_edit->setObjectName(QStringLiteral("editFile"));
    m_edit->setAccessibleName(tr("Edit the selected file"));
    m_download->setObjectName(QStringLiteral("downloadFile"));
    m_download->setAccessibleName(tr("Download the selected file"));
    m_delete->setObjectName(QStringLiteral("deleteFile"));
    m_delete->setAccessibleName(tr("Delete the selected file"));
    m_downloadChecked->setObjectName(QStringLiteral("downloadCheckedFiles"));
    m_deleteChecked->setObjectName(QStringLiteral("deleteCheckedFiles"));
    m_manage->setObjectName(QStringLiteral("manageFiles"));
    connect(m_edit, &QPushButton::clicked, this, &AttachedFilesSection::editCurrent);
    connect(m_download, &QPushButton::clicked, this, &AttachedFilesSection::downloadCurrent);
    connect(m_delete, &QPushButton::clicked, this, &AttachedFilesSection::deleteCurrent);
    connect(m_downloadChecked, &QPushButton::clicked, this, &AttachedFilesSection::downloadChecked);
    connect(m_deleteChecked, &QPushButton::clicked, this, &AttachedFilesSection::deleteChecked);
    connect(m_manage, &QPushButton::clicked, this, &AttachedFilesSection::addFile);

    // Both rows wrap when the labels are long (French) and the window narrow.
    auto *rowButtons = new FlowLayout;
    rowButtons->addWidget(m_edit);
    rowButtons->addWidget(m_download);
    rowButtons->addWidget(m_delete);
    auto *checkedButtons = new FlowLayout;
    checkedButtons->addWidget(m_downloadChecked);
    checkedButtons->addWidget(m_deleteChecked);
    checkedButtons->addWidget(m_manage);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addWidget(m_messages);
    layout->addWidget(createRecordFilter(m_proxy, this));
    layout->addWidget(m_table, 1);
    layout->addLayout(rowButtons);
    layout->addLayout(checkedButtons);

    connect(&m_session.gateway, &CommandGateway::dataChanged, this, &AttachedFilesSection::reload);
    connect(m_model, &RecordTableModel::checkedChanged, this, &AttachedFilesSection::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AttachedFilesSection::updateButtons);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &AttachedFilesSection::updateButtons);
    setReadingTabOrder(this);
    updateButtons();
}

AttachedFilesSection::~AttachedFilesSection()
{
    saveRecordTableHeader(m_table, headerKey);
}

QString AttachedFilesSection::notice() const
{
    return m_messages->text();
}

MessageBar *AttachedFilesSection::messageBar() const
{
    return m_messages;
}

QString AttachedFilesSection::lastFolder() const
{
    return QSettings().value(folderKey, QDir::homePath()).toString();
}

void AttachedFilesSection::rememberFolder(const QString &folder)
{
    QSettings().setValue(folderKey, folder);
}

void AttachedFilesSection::reload()
{
    m_model->reload();
}

void AttachedFilesSection::updateButtons()
{
    const bool current = m_table->currentIndex().isValid();
    m_edit->setEnabled(current);
    m_download->setEnabled(current);
    m_delete->setEnabled(current);
    const bool checked = !m_model->checkedIds().isEmpty();
    m_downloadChecked->setEnabled(checked);
    m_deleteChecked->setEnabled(checked);
}

const AttachedFileInfo *AttachedFilesSection::currentRecord() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid()
        ? m_model->recordOfId(m_proxy->data(current, RecordModelBase::IdRole).toLongLong())
        : nullptr;
}

void AttachedFilesSection::addFile()
{
    AttachedFileDialog dialog(m_session, {}, this);
    if (Dialogs::exec(&dialog) == QDialog::Accepted)
        m_messages->showDone(
            dialog.queued(),
            tr("The file « %1 » was added.").arg(dialog.designationEdit()->text().trimmed()));
}

void AttachedFilesSection::editCurrent()
{
    const AttachedFileInfo *record = currentRecord();
    if (!record)
        return;
    AttachedFileDialog dialog(m_session, *record, this);
    if (Dialogs::exec(&dialog) == QDialog::Accepted)
        m_messages->showDone(
            dialog.queued(),
            tr("The file « %1 » was saved.").arg(dialog.designationEdit()->text().trimmed()));
}

void AttachedFilesSection::downloadCurrent()
{
    const AttachedFileInfo *record = currentRecord();
    if (!record)
        return;
    const QString fileName = AttachedFiles::sanitizeFileName(record->fileName);
    const QString path = Dialogs::saveFileName(this, tr("Download the attached file"),
                                               QDir(lastFolder()).filePath(fileName));
    if (path.isEmpty())
        return;
    rememberFolder(QFileInfo(path).absolutePath());
    // Connected, the content comes from the server: the window stays usable
    // meanwhile, and says so.
    m_messages->showMessage(MessageBar::Kind::Information,
                            tr("Downloading « %1 »…").arg(record->designation));
    m_session.directory.fileContent(
        record->id, this, [this, path](const CommandResult &read, const QByteArray &bytes) {
            if (!read.ok()) {
                m_messages->showMessage(MessageBar::Kind::Error, read.message);
                return;
            }
            // The user chose this path in the save dialog, which asked before replacing a file.
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
                m_messages->showMessage(
                    MessageBar::Kind::Error,
                    tr("Cannot write « %1 »: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
                return;
            }
            m_messages->showMessage(MessageBar::Kind::Positive,
                                    tr("Written: %1").arg(QDir::toNativeSeparators(path)));
        });
}

void AttachedFilesSection::downloadChecked()
{
    const QList<qint64> ids = m_model->checkedIds();
    if (ids.isEmpty()) {
        m_messages->showMessage(MessageBar::Kind::Information,
                                tr("Tick the files to download in the « Selection » column first."));
        return;
    }
    const QString folder
        = Dialogs::existingDirectory(this, tr("Download the checked files into"), lastFolder());
    if (folder.isEmpty())
        return;
    rememberFolder(folder);
    // One file at a time through the directory (the server's content when
    // connected), each asked from the event loop, so that the window stays alive
    // and shows progress; no file is ever overwritten: names are made unique
    // (« name (2).pdf »).
    QProgressDialog progress(tr("Downloading the checked files…"), tr("Cancel"), 0, int(ids.size()), this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    // The names now: the table may reload while the files arrive.
    QStringList names;
    for (const qint64 id : ids)
        names << AttachedFiles::sanitizeFileName(m_model->recordOfId(id)->fileName);
    QStringList written;
    QString error;
    QEventLoop loop;
    int next = 0;
    std::function<void()> downloadNext = [&] {
        progress.setValue(next);
        if (next >= ids.size() || progress.wasCanceled()) {
            loop.quit();
            return;
        }
        const qint64 id = ids.at(next);
        const QString name = names.at(next);
        m_session.directory.fileContent(
            id, &progress, [&, name](const CommandResult &r, const QByteArray &bytes) {
                if (!r.ok()) {
                    error = r.message;
                    loop.quit();
                    return;
                }
                const QString path = writeNewFile(QDir(folder), name, bytes, &error);
                if (path.isEmpty()) {
                    loop.quit();
                    return;
                }
                written.append(QDir::toNativeSeparators(path));
                ++next;
                QTimer::singleShot(0, &progress, downloadNext);
            });
    };
    connect(&progress, &QProgressDialog::canceled, &loop, &QEventLoop::quit);
    QTimer::singleShot(0, &progress, downloadNext);
    loop.exec();
    progress.setValue(int(ids.size()));
    QString text = tr("%n file(s) written:", nullptr, int(written.size()));
    for (const QString &path : std::as_const(written))
        text += QStringLiteral("\n") + path;
    if (error.isEmpty())
        m_messages->showMessage(MessageBar::Kind::Positive, text);
    else
        m_messages->showMessage(MessageBar::Kind::Error,
                                written.isEmpty() ? error : error + QStringLiteral("\n\n") + text);
}

void AttachedFilesSection::deleteCurrent()
{
    if (const AttachedFileInfo *record = currentRecord())
        remove({ record->id });
}

void AttachedFilesSection::deleteChecked()
{
    const QList<qint64> ids = m_model->checkedIds();
    if (ids.isEmpty()) {
        m_messages->showMessage(MessageBar::Kind::Information,
                                tr("Tick the files to delete in the « Selection » column first."));
        return;
    }
    remove(ids);
}

void AttachedFilesSection::remove(const QList<qint64> &ids)
{
    QStringList names;
    for (const qint64 id : ids) {
        const AttachedFileInfo &r = *m_model->recordOfId(id);
        names << QStringLiteral("• %1 (%2)").arg(r.designation, r.fileName);
    }
    const QString text
        = tr("Delete %n attached file(s)?\n%1", nullptr, int(ids.size())).arg(names.join(QLatin1Char('\n')));
    if (Dialogs::question(this, tr("Delete attached files"), text) != QMessageBox::Ok)
        return;
    QPointer<AttachedFilesSection> self(this);
    m_session.gateway.send(commands::deleteFiles(ids), [self, ids](const CommandResult &r) {
        if (self)
            self->m_messages->showOutcome(r, tr("%n file(s) deleted.", nullptr, int(ids.size())));
    });
}

} // namespace guichet
