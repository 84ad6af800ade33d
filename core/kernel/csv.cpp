#include "kernel/csv.h"

namespace guichet {

CsvWriter::CsvWriter(QIODevice &device, Options options)
    : m_device(device)
    , m_options(options)
{
}

CsvWriter::CsvWriter(QIODevice &device)
    : CsvWriter(device, Options())
{
}

QString CsvWriter::escapeField(const QString &field, QChar separator)
{
    const bool needsQuotes = field.contains(separator) || field.contains(QLatin1Char('"'))
        || field.contains(QLatin1Char('\r')) || field.contains(QLatin1Char('\n'));
    if (!needsQuotes)
        return field;
    QString quoted = field;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString CsvWriter::formatRow(const QStringList &fields, QChar separator)
{
    QString line;
    for (int i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += separator;
        line += escapeField(fields.at(i), separator);
    }
    line += QLatin1String("\r\n");
    return line;
}

bool CsvWriter::writeRow(const QStringList &fields)
{
    QByteArray bytes;
    if (!m_started && m_options.byteOrderMark)
        bytes = QByteArrayLiteral("\xEF\xBB\xBF");
    bytes += formatRow(fields, m_options.separator).toUtf8();
    if (m_device.write(bytes) != bytes.size())
        return false;
    m_started = true;
    ++m_rows;
    return true;
}

} // namespace guichet
