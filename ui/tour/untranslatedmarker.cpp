#include "ui/tour/untranslatedmarker.h"

#include <QFile>
#include <QRegularExpression>
#include <QXmlStreamReader>

namespace guichet {

namespace {
const QChar openMark(0x27e6);
const QChar closeMark(0x27e7);

bool hasLetter(const QString &text)
{
    for (const QChar c : text) {
        if (c.isLetter())
            return true;
    }
    return false;
}
} // namespace

UntranslatedMarker::UntranslatedMarker(Mode mode, QObject *parent)
    : QTranslator(parent)
    , m_mode(mode)
{
}

void UntranslatedMarker::addFrenchTexts(const QStringList &texts)
{
    for (const QString &text : texts) {
        const QString key = normalised(text);
        if (hasLetter(key))
            m_french.insert(key);
    }
}

bool UntranslatedMarker::isForeign(const QString &text) const
{
    if (m_mode == Mode::MarkUntranslated)
        return isMarked(text);
    return !m_french.isEmpty() && m_french.contains(normalised(text));
}

QString UntranslatedMarker::translate(const char *context, const char *sourceText, const char *disambiguation,
                                      int n) const
{
    Q_UNUSED(context)
    Q_UNUSED(disambiguation)
    Q_UNUSED(n)
    if (m_mode != Mode::MarkUntranslated || !sourceText)
        return {};
    const QString source = QString::fromUtf8(sourceText);
    // Format strings without words (« %1 %2 ») need no translation.
    if (!hasLetter(QString(source).remove(QRegularExpression(QStringLiteral("%L?\\d+|%n")))))
        return {};
    return mark(source);
}

QString UntranslatedMarker::mark(const QString &text)
{
    return openMark + text + closeMark;
}

bool UntranslatedMarker::isMarked(const QString &text)
{
    return text.contains(openMark);
}

QStringList UntranslatedMarker::translationsIn(const QString &tsPath)
{
    QStringList texts;
    QFile file(tsPath);
    if (!file.open(QIODevice::ReadOnly))
        return texts;
    QXmlStreamReader xml(&file);
    QString source;
    QSet<QString> sources;
    while (!xml.atEnd()) {
        if (!xml.readNextStartElement())
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
            sources.insert(normalised(source));
        } else if (xml.name() == QLatin1String("translation")) {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            if (!type.isEmpty()) {
                xml.skipCurrentElement();
                continue;
            }
            QStringList forms;
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            forms << text;
            for (const QString &form : forms) {
                // « Message : » for « Message: » is the same word in both languages.
                if (!form.isEmpty() && normalised(form).compare(normalised(source), Qt::CaseInsensitive) != 0)
                    texts << form;
            }
        }
    }
    // « Modification » translates « Change » but is English too.
    QStringList french;
    for (const QString &text : texts) {
        if (!sources.contains(normalised(text)))
            french << text;
    }
    return french;
}

QString UntranslatedMarker::normalised(const QString &text)
{
    QString t = text;
    t.remove(QLatin1Char('&'));
    t = t.trimmed();
    while (t.endsWith(QLatin1Char(':')) || t.endsWith(QChar(0x2026)))
        t.chop(1);
    return t.trimmed();
}

} // namespace guichet
