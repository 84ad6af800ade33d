#include "mail/mailtext.h"

#include "kernel/database.h"

#include <QHash>
#include <QMutex>
#include <QRegularExpression>
#include <QTranslator>

#include <memory>

namespace guichet {

namespace {

// One translator per language, loaded once from the embedded catalogue and
// never changed afterwards, so concurrent translate() calls only read it.
const QTranslator *translatorFor(const QString &language)
{
    static QMutex mutex;
    static QHash<QString, std::shared_ptr<QTranslator>> cache;
    const QMutexLocker locker(&mutex);
    auto it = cache.constFind(language);
    if (it != cache.constEnd())
        return it->get();
    auto translator = std::make_shared<QTranslator>();
    if (!translator->load(QStringLiteral(":/i18n/guichet_") + language + QStringLiteral(".qm")))
        translator.reset(); // no catalogue: the English source is used
    cache.insert(language, translator);
    return translator.get();
}

QString escapedWithLinks(const QString &line)
{
    // Links become clickable; everything else is plain escaped text.
    static const QRegularExpression url(QStringLiteral("\\b(?:https?|guichet)://[^\\s<>\"]+"));
    QString html;
    qsizetype last = 0;
    for (auto it = url.globalMatch(line); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        html += line.mid(last, m.capturedStart() - last).toHtmlEscaped();
        const QString link = m.captured().toHtmlEscaped();
        html += QStringLiteral("<a href=\"%1\">%1</a>").arg(link);
        last = m.capturedEnd();
    }
    html += line.mid(last).toHtmlEscaped();
    return html;
}

} // namespace

MailText::MailText(const QString &language)
    : m_language(language == QLatin1String("en") ? QStringLiteral("en") : QStringLiteral("fr"))
{
    if (m_language != QLatin1String("en"))
        m_translator = translatorFor(m_language);
}

QString MailText::languageOf(const Database &db, qint64 userId)
{
    if (!userId)
        return QStringLiteral("fr");
    const QString language
        = db.value(QStringLiteral("SELECT language FROM users WHERE id = ?"), { userId }).toString();
    return language == QLatin1String("en") ? QStringLiteral("en") : QStringLiteral("fr");
}

MailText MailText::forUser(const Database &db, qint64 userId)
{
    return MailText(languageOf(db, userId));
}

QLocale MailText::locale() const
{
    return m_language == QLatin1String("en") ? QLocale(QLocale::English, QLocale::UnitedKingdom)
                                             : QLocale(QLocale::French, QLocale::France);
}

QString MailText::translate(const char *context, const char *source, const char *disambiguation, int n) const
{
    QString text;
    if (m_translator)
        text = m_translator->translate(context, source, disambiguation, n);
    if (text.isEmpty())
        text = QString::fromUtf8(source);
    if (n >= 0)
        text.replace(QLatin1String("%n"), QString::number(n));
    return text;
}

MailBody &MailBody::paragraph(const QString &text)
{
    const QStringList paragraphs = text.split(QRegularExpression(QStringLiteral("\\n\\s*\\n")));
    for (const QString &p : paragraphs) {
        if (!p.trimmed().isEmpty())
            m_blocks.append({ Kind::Paragraph, p.split(QLatin1Char('\n')) });
    }
    return *this;
}

MailBody &MailBody::heading(const QString &text)
{
    m_blocks.append({ Kind::Heading, { text } });
    return *this;
}

MailBody &MailBody::list(const QStringList &items)
{
    if (!items.isEmpty())
        m_blocks.append({ Kind::List, items });
    return *this;
}

QString MailBody::text() const
{
    QStringList blocks;
    for (const Block &block : m_blocks) {
        switch (block.kind) {
        case Kind::Paragraph:
            blocks.append(block.lines.join(QLatin1Char('\n')));
            break;
        case Kind::Heading:
            blocks.append(block.lines.first() + QLatin1Char('\n')
                          + QString(block.lines.first().size(), QLatin1Char('=')));
            break;
        case Kind::List: {
            QStringList lines;
            for (const QString &item : block.lines)
                lines.append(QStringLiteral("- ") + item);
            blocks.append(lines.join(QLatin1Char('\n')));
            break;
        }
        }
    }
    return blocks.join(QLatin1String("\n\n")) + QLatin1Char('\n');
}

QString MailBody::html() const
{
    QString html = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n");
    for (const Block &block : m_blocks) {
        switch (block.kind) {
        case Kind::Paragraph: {
            QStringList lines;
            for (const QString &line : block.lines)
                lines.append(escapedWithLinks(line));
            html += QStringLiteral("<p>") + lines.join(QStringLiteral("<br>\n")) + QStringLiteral("</p>\n");
            break;
        }
        case Kind::Heading:
            html += QStringLiteral("<h3>") + block.lines.first().toHtmlEscaped() + QStringLiteral("</h3>\n");
            break;
        case Kind::List:
            html += QStringLiteral("<ul>\n");
            for (const QString &item : block.lines)
                html += QStringLiteral("<li>") + escapedWithLinks(item) + QStringLiteral("</li>\n");
            html += QStringLiteral("</ul>\n");
            break;
        }
    }
    return html + QStringLiteral("</body></html>\n");
}

} // namespace guichet
