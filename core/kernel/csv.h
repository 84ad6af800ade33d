#pragma once

#include <QChar>
#include <QIODevice>
#include <QStringList>

namespace guichet {

// Writes CSV as RFC 4180 describes it: fields holding the separator, a quote,
// CR or LF are quoted, quotes are doubled, lines end with CRLF. The text is
// UTF-8; Excel needs a byte-order mark to read it as such, hence the option.
// Shared by every export (audit log, structure search, users).
class CsvWriter
{
public:
    struct Options
    {
        QChar separator = QLatin1Char(','); // ';' for French spreadsheets
        bool byteOrderMark = false;
    };

    explicit CsvWriter(QIODevice &device, Options options);
    explicit CsvWriter(QIODevice &device);

    // Writes one record; false when the device refused the bytes.
    bool writeRow(const QStringList &fields);
    int rowsWritten() const { return m_rows; }

    // One field as it appears in the file, quoted only when needed.
    static QString escapeField(const QString &field, QChar separator);
    // One record with its CRLF.
    static QString formatRow(const QStringList &fields, QChar separator);

private:
    QIODevice &m_device;
    Options m_options;
    bool m_started = false;
    int m_rows = 0;
};

} // namespace guichet
