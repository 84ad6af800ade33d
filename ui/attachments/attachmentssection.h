#pragma once

#include <QList>
#include <QWidget>

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace guichet {

struct AttachmentView;
struct Session;
class AttachmentModel;
class MessageBar;

// « Mes rattachements aux structures » (guide section 4): the structures the
// user is attached to or asking to be, and the guide's buttons: consult /
// modify the structure, open the attachment request, delete this attachment,
// « Demander un rattachement », delete the checked attachments. A principal
// manager who leaves designates a successor and stays as a simple user.
class AttachmentsSection : public QWidget
{
    Q_OBJECT

public:
    explicit AttachmentsSection(Session &session, QWidget *parent = nullptr);
    ~AttachmentsSection() override;

    QTableView *view() const { return m_view; }
    AttachmentModel *model() const { return m_model; }
    QPushButton *button(const QString &name) const;
    // The section's message bar tells each outcome; notice() is its text, empty
    // when it is hidden.
    QString notice() const;
    MessageBar *messageBar() const;

    // The row (in the model) of the current row of the view, or -1.
    int currentRow() const;

    void consultStructure();
    void openRequest();
    void deleteCurrent();
    void requestAttachment();
    void deleteChecked();

private:
    void removeAttachments(const QList<AttachmentView> &records);
    void updateButtons();

    Session &m_session;
    AttachmentModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QPushButton *m_consult;
    QPushButton *m_open;
    QPushButton *m_delete;
    QPushButton *m_request;
    QPushButton *m_deleteChecked;
    MessageBar *m_messages;
};

} // namespace guichet
