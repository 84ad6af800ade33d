#pragma once

#include "models/recordtablemodel.h"

#include <QWidget>

namespace guichet {

struct SubscriptionView;
struct Session;

// A space the user is subscribed to, other than « Mon compte »: Guichet manages
// accounts, not invoices, so the page says which structures and services the
// user reaches in that space, and in which mode.
class SpacePage : public QWidget
{
    Q_OBJECT

public:
    SpacePage(Session &session, const QString &spaceCode, const QString &spaceName,
              QWidget *parent = nullptr);

    QString spaceCode() const { return m_spaceCode; }
    void reload();

private:
    Session &m_session;
    QString m_spaceCode;
    RecordListModel<SubscriptionView> *m_model;
};

} // namespace guichet
