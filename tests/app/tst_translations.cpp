#include "translations/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QXmlStreamReader>

// The French catalogue is complete and consistent, and the application loads it.
class TestTranslations : public QObject
{
    Q_OBJECT

private:
    struct Message
    {
        QString context;
        QString source;
        QString translation;
        bool unfinished = false;
    };

    static QList<Message> readCatalogue()
    {
        QList<Message> messages;
        QFile file(QStringLiteral(GUICHET_SOURCE_DIR "/translations/guichet_fr.ts"));
        if (!file.open(QIODevice::ReadOnly))
            return messages;
        QXmlStreamReader xml(&file);
        QString context;
        Message current;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (xml.name() == QLatin1String("message")) {
                current = Message();
                current.context = context;
            } else if (xml.name() == QLatin1String("source")) {
                current.source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                current.unfinished
                    = xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished");
                current.translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                messages.append(current);
            }
        }
        return messages;
    }

    static QStringList placeholders(const QString &text)
    {
        static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
        QStringList found;
        for (auto it = re.globalMatch(text); it.hasNext();)
            found << it.next().captured(0);
        found.sort();
        found.removeDuplicates();
        return found;
    }

private slots:
    void everyMessageIsTranslated()
    {
        const QList<Message> messages = readCatalogue();
        QVERIFY(messages.size() > 10);
        for (const Message &m : messages) {
            QVERIFY2(!m.unfinished, qPrintable(m.context + QStringLiteral(": ") + m.source));
            QVERIFY2(!m.translation.trimmed().isEmpty(),
                     qPrintable(m.context + QStringLiteral(": ") + m.source));
        }
    }

    void placeholdersSurviveTranslation()
    {
        for (const Message &m : readCatalogue())
            QVERIFY2(placeholders(m.source) == placeholders(m.translation),
                     qPrintable(m.source + QStringLiteral(" -> ") + m.translation));
    }

    void frenchCatalogueIsEmbeddedAndLoaded()
    {
        QVERIFY(guichet::installTranslations(QLocale(QLocale::French, QLocale::France)));
        const QString translated
            = QCoreApplication::translate("guichet::CommandContext", "Only support staff may do this.");
        QCOMPARE(translated, QStringLiteral("Seul le support peut effectuer cette action."));
        QVERIFY(guichet::installTranslations(QLocale(QLocale::English)));
        QCOMPARE(QCoreApplication::translate("guichet::CommandContext", "Only support staff may do this."),
                 QStringLiteral("Only support staff may do this."));
    }

    // English has its plural forms too: no « (s) » left in the English UI.
    void englishPluralsReadWell()
    {
        QVERIFY(guichet::installTranslations(QLocale(QLocale::English)));
        const char *context = "guichet::ManagerActivityPage";
        const char *validated = "%n request(s) validated; the requesters have been notified by e-mail.";
        QCOMPARE(QCoreApplication::translate(context, validated, nullptr, 1),
                 QStringLiteral("1 request validated; the requester has been notified by e-mail."));
        QCOMPARE(QCoreApplication::translate(context, validated, nullptr, 2),
                 QStringLiteral("2 requests validated; the requesters have been notified by e-mail."));
        QCOMPARE(QCoreApplication::translate(
                     context, "%n request(s) have been waiting for more than %1 days.", nullptr, 1),
                 QStringLiteral("1 request has been waiting for more than %1 days."));
        QCOMPARE(QCoreApplication::translate("guichet::PendingRequests", "%n day(s)", nullptr, 0),
                 QStringLiteral("0 days"));
        QVERIFY(guichet::installTranslations(QLocale(QLocale::French, QLocale::France)));
        QCOMPARE(QCoreApplication::translate(context, validated, nullptr, 2),
                 QStringLiteral("2 demandes validées ; les demandeurs ont été prévenus par courriel."));
        QCOMPARE(QCoreApplication::translate(context, validated, nullptr, 1),
                 QStringLiteral("1 demande validée ; le demandeur a été prévenu par courriel."));
        QVERIFY(guichet::installTranslations(QLocale(QLocale::English)));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
