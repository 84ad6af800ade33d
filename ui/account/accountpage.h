#pragma once

#include <QWidget>

class QListWidget;
class QStackedWidget;

namespace guichet {

struct Session;

// « Mon compte »: the guide's sections, one per entry of the list on the left
// (personal information, notifications, attachments to structures,
// subscriptions to spaces, attached files, deactivation).
class AccountPage : public QWidget
{
    Q_OBJECT

public:
    explicit AccountPage(Session &session, QWidget *parent = nullptr);

    // Adds a section; its objectName is how tests and settings find it.
    void addSection(const QString &icon, const QString &title, QWidget *section);
    void showSection(const QString &objectName);
    QWidget *section(const QString &objectName) const;
    QWidget *currentSection() const;
    QListWidget *sectionList() const { return m_list; }

private:
    Session &m_session;
    QListWidget *m_list;
    QStackedWidget *m_stack;
};

} // namespace guichet
