#include "ui/widgets/usersearchdialog.h"

#include "ui/shell/session.h"
#include "ui/widgets/recordtable.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

UserSearchDialog::UserSearchDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_query(new QLineEdit(this))
    , m_search(new QPushButton(tr("&Search"), this))
    , m_view(new QTableView(this))
    , m_model(new RecordListModel<UserSearchResult>(this))
    , m_select(nullptr)
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Find a user"));
    setObjectName(QStringLiteral("userSearchDialog"));
    m_query->setObjectName(QStringLiteral("query"));
    m_query->setAccessibleName(tr("Name, postal address or e-mail"));
    m_query->setPlaceholderText(tr("Name, postal address or e-mail"));
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setAutoDefault(false);

    m_model->setColumns({
        { tr("Name"), [](const UserSearchResult &r) { return r.lastName; },
          [](const UserSearchResult &r) {
              return QStringLiteral("%1 %2").arg(r.firstName, r.lastName.toUpper());
          } },
        { ColumnKind::Email, tr("E-mail address"), [](const UserSearchResult &r) { return r.email; }, {} },
        { tr("Postal address"), [](const UserSearchResult &r) { return r.address; }, {} },
    });
    m_view->setObjectName(QStringLiteral("results"));
    m_view->setAccessibleName(tr("Users found"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    // The desktop's one sizing policy: the e-mail whole, names and addresses share the rest.
    fitColumns(m_view);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_select = buttons->addButton(tr("Se&lect"), QDialogButtonBox::AcceptRole);
    m_select->setObjectName(QStringLiteral("select"));
    m_select->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QPushButton::clicked, this, &UserSearchDialog::search);
    connect(m_query, &QLineEdit::returnPressed, this, &UserSearchDialog::search);
    connect(m_view, &QTableView::doubleClicked, this, [this] {
        if (selectedUserId())
            accept();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_select->setEnabled(selectedUserId() != 0); });

    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_query, 1);
    searchRow->addWidget(m_search);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Find the user by name, postal address or e-mail:"), this));
    layout->addLayout(searchRow);
    layout->addWidget(m_view, 1);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(640, 420);
}

void UserSearchDialog::search()
{
    // Connected, the users are the server's: the answer may come later, and
    // only the latest search's answer counts.
    const quint64 generation = ++m_generation;
    m_search->setEnabled(false);
    m_status->setText(tr("Searching…"));
    m_session.directory.searchUsers(
        m_query->text(), 200, this,
        [this, generation](const CommandResult &result, const QList<UserSearchResult> &users) {
            if (generation != m_generation)
                return;
            m_search->setEnabled(true);
            if (!result.ok()) {
                m_status->setText(tr("The search failed: %1").arg(result.message));
                return;
            }
            QList<UserSearchResult> rows;
            for (const UserSearchResult &row : users) {
                if (!m_excluded.contains(row.id))
                    rows.append(row);
            }
            m_model->setRecords(rows);
            m_status->setText(rows.isEmpty() ? tr("No user matches.") : QString());
            if (!rows.isEmpty()) {
                m_view->selectRow(0);
                m_view->setFocus();
            }
        });
}

qint64 UserSearchDialog::selectedUserId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : m_model->idAt(rows.first().row());
}

QString UserSearchDialog::selectedUserLabel() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : label(m_model->record(rows.first().row()));
}

QString UserSearchDialog::label(const UserSearchResult &user)
{
    return QStringLiteral("%1 %2 <%3>").arg(user.firstName, user.lastName.toUpper(), user.email);
}

} // namespace guichet
