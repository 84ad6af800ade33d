#pragma once

#include "models/recordtablemodel.h"
#include "rules/accounts/accounts.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace guichet {

struct Session;

// The guide's « Loupe »: find a user by name, postal address or e-mail, and
// pick one (for instance the new principal manager).
class UserSearchDialog : public QDialog
{
    Q_OBJECT

public:
    UserSearchDialog(Session &session, QWidget *parent = nullptr);

    // Users that may not be chosen (e.g. the one leaving).
    void exclude(qint64 userId) { m_excluded.append(userId); }
    QLineEdit *queryEdit() const { return m_query; }
    QPushButton *searchButton() const { return m_search; }
    QTableView *resultsView() const { return m_view; }
    RecordListModel<UserSearchResult> *results() const { return m_model; }
    // « No user matches. », or why the search failed.
    QLabel *statusLabel() const { return m_status; }

    qint64 selectedUserId() const;
    QString selectedUserLabel() const;
    // "First LAST <e-mail>", as the dialog shows a chosen user.
    static QString label(const UserSearchResult &user);

    void search();

private:
    Session &m_session;
    QLineEdit *m_query;
    QPushButton *m_search;
    QTableView *m_view;
    RecordListModel<UserSearchResult> *m_model;
    QPushButton *m_select;
    QLabel *m_status;
    quint64 m_generation = 0;
    QList<qint64> m_excluded;
};

} // namespace guichet
