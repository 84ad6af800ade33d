#include "ui/files/attachedfiledialog.h"

#include "commands/commandargs.h"
#include "rules/files/attachedfiles.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/dialogs.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString folderKey = QStringLiteral("attachedFiles/lastFolder");
}

AttachedFileDialog::AttachedFileDialog(Session &session, const AttachedFileInfo &file, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_fileId(file.id)
    , m_file(new QLineEdit(this))
    , m_browse(new QPushButton(tr("&Browse…"), this))
    , m_designation(new QLineEdit(this))
    , m_type(new QComboBox(this))
    , m_submit(nullptr)
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("attachedFileDialog"));
    setWindowTitle(isEditing() ? tr("Edit an attached file") : tr("Manage attached files"));
    auto *intro
        = new QLabel(isEditing() ? tr("Change the designation or the type; browse only to replace the "
                                      "file itself (%1 MB at most).")
                                       .arg(AttachedFiles::MaxSize / (1024 * 1024))
                                 : tr("Choose a file on your computer (%1 MB at most), name it and "
                                      "choose its type.")
                                       .arg(AttachedFiles::MaxSize / (1024 * 1024)),
                     this);
    intro->setWordWrap(true);

    m_file->setObjectName(QStringLiteral("file"));
    m_file->setReadOnly(true);
    m_file->setAccessibleName(isEditing() ? tr("Replacement file") : tr("File (required)"));
    m_file->setPlaceholderText(isEditing() ? file.fileName : tr("No file chosen"));
    m_browse->setObjectName(QStringLiteral("browse"));
    m_browse->setAutoDefault(false);
    m_designation->setObjectName(QStringLiteral("designation"));
    m_designation->setAccessibleName(tr("Designation (required)"));
    m_designation->setMaxLength(AttachedFiles::MaxDesignationLength);
    m_designation->setText(file.designation);
    m_type->setObjectName(QStringLiteral("fileType"));
    m_type->setAccessibleName(tr("Type of attached file (required)"));
    m_type->addItem(tr("Choose a type"), QString());
    for (const FileType &type : AttachedFiles::fileTypes())
        m_type->addItem(type.label, type.code);
    selectType(file.fileType);

    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(m_browse);
    auto *form = new QFormLayout;
    auto *fileLabel = new QLabel(isEditing() ? tr("&Replace the file") : tr("&File *"), this);
    fileLabel->setBuddy(m_browse);
    auto *designationLabel = new QLabel(tr("&Designation *"), this);
    designationLabel->setBuddy(m_designation);
    auto *typeLabel = new QLabel(tr("&Type *"), this);
    typeLabel->setBuddy(m_type);
    form->addRow(fileLabel, fileRow);
    form->addRow(designationLabel, m_designation);
    form->addRow(typeLabel, m_type);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_submit = buttons->addButton(isEditing() ? tr("&Save") : tr("&Add"), QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("submit"));
    m_submit->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &AttachedFileDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_browse, &QPushButton::clicked, this, &AttachedFileDialog::browse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(buttons);

    m_feedback.bind(QStringLiteral("content"), m_file);
    m_feedback.bind(QStringLiteral("fileName"), m_file);
    m_feedback.bind(QStringLiteral("designation"), m_designation);
    m_feedback.bind(QStringLiteral("fileType"), m_type);
    setTabOrder(m_browse, m_designation);
    setTabOrder(m_designation, m_type);
    resize(520, 240);
}

QString AttachedFileDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void AttachedFileDialog::selectType(const QString &code)
{
    const int index = m_type->findData(code);
    m_type->setCurrentIndex(index < 0 ? 0 : index);
}

void AttachedFileDialog::browse()
{
    const QString path = Dialogs::openFileName(this, tr("Choose the file to attach"), {},
                                               QSettings().value(folderKey, QDir::homePath()).toString());
    if (path.isEmpty())
        return;
    QSettings().setValue(folderKey, QFileInfo(path).absolutePath());
    // Refused from its size alone: a file too large is never read.
    const QFileInfo info(path);
    const CommandResult size = AttachedFiles::checkSize(info.isFile() ? info.size() : 0);
    if (!size.ok()) {
        m_path.clear();
        m_file->clear();
        m_feedback.show(
            CommandResult::failure(size.code, size.field, tr("%1: %2").arg(info.fileName(), size.message)));
        return;
    }
    m_feedback.clear();
    m_path = path;
    m_file->setText(QDir::toNativeSeparators(path));
    // The designation follows the file's name until the user types their own.
    if (m_designation->text().trimmed().isEmpty() || m_designation->text() == m_defaultDesignation) {
        m_defaultDesignation = info.completeBaseName();
        m_designation->setText(m_defaultDesignation);
    }
}

void AttachedFileDialog::submit()
{
    const QString designation = m_designation->text();
    const QString fileType = m_type->currentData().toString();
    std::optional<AttachedFiles::NewContent> newContent;
    if (!m_path.isEmpty() || !isEditing()) {
        QByteArray content;
        if (!m_path.isEmpty()) {
            const QFileInfo info(m_path);
            // Checked again: the file may have grown since it was chosen.
            const CommandResult size = AttachedFiles::checkSize(info.size());
            if (!size.ok()) {
                m_feedback.show(size);
                return;
            }
            QFile file(m_path);
            if (!file.open(QIODevice::ReadOnly)) {
                m_feedback.showMessage(tr("Cannot read '%1': %2").arg(info.fileName(), file.errorString()),
                                       { QStringLiteral("content") });
                return;
            }
            content = file.read(AttachedFiles::MaxSize + 1);
        }
        newContent = AttachedFiles::NewContent { QFileInfo(m_path).fileName(), content };
    }
    const CommandCall call = isEditing()
        ? commands::updateFile(m_fileId, designation, fileType, newContent)
        : commands::addFile({ designation, fileType, newContent->fileName, newContent->content });
    m_session.gateway.send(call, [this](const CommandResult &r) {
        if (!r.ok() && m_path.isEmpty() && r.field == QLatin1String("content")) {
            // Core sees empty content; the user simply has not chosen a file yet.
            m_feedback.showMessage(tr("Choose the file to attach with « Browse »."), { r.field });
            return;
        }
        m_feedback.show(r);
        m_queued = QueuedChange::isQueued(r); // the section's message bar tells it
        if (r.ok())
            accept();
    });
}

} // namespace guichet
