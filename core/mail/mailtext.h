#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QTranslator;

namespace guichet {

class Database;

// Mail text in the RECIPIENT's language (users.language, "fr" or "en"), whatever
// translator the running application has installed: a command run by an
// English-speaking manager still mails a French-speaking user in French.
//
// Mark sources with a literal context so that lupdate extracts them, e.g.
//   text.translate("guichet::Attachments", "Attachment removed")
// (lupdate reads any translate("context", "source"[, disambiguation, n]) call);
// a string shared with a class's tr() keeps that class's context, so its
// existing translation is reused.
class MailText
{
public:
    // "fr" or "en"; anything else falls back to the portal's default, "fr".
    explicit MailText(const QString &language);

    // The language of the user's account; "fr" (the portal's default) when
    // there is no account (anonymous solicitation) or none is recorded.
    static QString languageOf(const Database &db, qint64 userId);
    static MailText forUser(const Database &db, qint64 userId);

    const QString &language() const { return m_language; }
    QLocale locale() const;

    // The translation of source in this language, or source itself when the
    // language is English or the catalogue lacks it. With n >= 0, %n is
    // replaced by n (plural forms come from the catalogue). Thread-safe.
    QString translate(const char *context, const char *source, const char *disambiguation = nullptr,
                      int n = -1) const;

private:
    QString m_language;
    const QTranslator *m_translator = nullptr; // owned by a process-wide cache; null for English
};

// A mail body composed once and rendered twice: plain text and a simple HTML
// page in which every piece of user data is escaped.
class MailBody
{
public:
    // Blank lines separate paragraphs; single line breaks are kept.
    MailBody &paragraph(const QString &text);
    MailBody &heading(const QString &text);
    MailBody &list(const QStringList &items);

    QString text() const;
    QString html() const;
    bool isEmpty() const { return m_blocks.isEmpty(); }

private:
    enum class Kind { Paragraph, Heading, List };
    struct Block
    {
        Kind kind;
        QStringList lines;
    };
    QList<Block> m_blocks;
};

} // namespace guichet
