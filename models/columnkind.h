#pragma once

#include <Qt>

namespace guichet {

// What a table column holds, so that one sizing policy serves every table
// (ui/widgets/recordtable.h, fitColumns): the compact kinds always show whole
// (identifiers, dates, statuses, roles, e-mails, checkboxes), free text elides
// with its full text as tooltip and the widest free-text column stretches.
// Models answer it from headerData(section, Qt::Horizontal, ColumnKindRole).
enum class ColumnKind { Text = 0, Identifier, Date, Status, Role, Email, Check };

inline constexpr int ColumnKindRole = Qt::UserRole + 100;

// Whether a column of this kind must show its values whole.
constexpr bool isCompact(ColumnKind kind)
{
    return kind != ColumnKind::Text;
}

} // namespace guichet
