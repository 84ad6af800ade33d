#pragma once

#include "rules/attachments/permissions.h"

#include <QDate>
#include <QString>
#include <QStringList>

// The texts the screens show for core's codes and values, written once so
// that every table, dialog and summary says the same thing.
namespace guichet::labels {

// « Gestionnaire principal », « Gestionnaire secondaire », « Utilisateur »;
// empty for Role::None.
QString role(Role role);
// An attachment's status: 'pending', 'validated', 'refused'; unknown codes as is.
QString attachmentStatus(const QString &status);
// A subscription's status: 'pending', 'validated', 'refused', and
// removalRequestedStatus (shown for a validated row whose removal was asked);
// unknown codes as is.
QString subscriptionStatus(const QString &status);
// « modification » / « consultation », as the guide names the modes; unknown
// codes as is.
QString mode(const QString &mode);
// « from <from> » without an end, « <from> – <until> » with one (short dates).
QString validity(QDate from, QDate until);
// « Whole structure », or the services' names separated by commas.
QString services(bool wholeStructure, const QStringList &names);
// A space of the catalogue by its code, in the UI's language (the catalogue
// stores its names in French); `storedName` for a code it does not know.
QString space(const QString &code, const QString &storedName);
// A subscription's comment: the requester's words, or the one Guichet wrote
// itself (its code) in the UI's language.
QString subscriptionComment(const QString &comment, const QString &commentCode);
// The date in the locale's short format; empty for an invalid date.
QString shortDate(QDate date);

} // namespace guichet::labels
