#pragma once

#include <QList>
#include <QSize>
#include <QString>

class QWidget;

namespace guichet {

class UntranslatedMarker;

// One thing a reader would see as broken on a screen.
struct LayoutFinding
{
    enum class Kind {
        CompactCell, // a cell of an identifier, date, status, role or e-mail column shown cut
        CutTextCell, // a free-text cell shown cut, with no tooltip holding its full text
        CutHeader, // a column's title shown cut
        ClippedLabel, // a label whose text does not fit it
        Squeezed, // a widget smaller than its minimum size hint
        OversizedWindow, // a window or dialog larger than the screen
        OtherLanguage, // a visible text in the other language than the UI's
        Unnamed, // a control a keyboard reaches that a screen reader cannot name
        TabOrder, // Tab moves focus back up or leftwards, against the reading order
    };

    QString screen;
    QString widget; // objectName, else class name, with the names of its parents
    Kind kind;
    QString text; // what was cut or found, and the sizes

    static QString kindName(Kind kind);
    QString toString() const;
};

struct LayoutAuditOptions
{
    // The screen the window must fit on.
    QSize screenSize { 1024, 768 };
    // Recognises text in the other language; none: no language check.
    const UntranslatedMarker *marker = nullptr;
};

// Audits the visible widgets under `window` as laid out now.
QList<LayoutFinding> auditLayout(const QString &screen, QWidget *window, const LayoutAuditOptions &options);

} // namespace guichet
