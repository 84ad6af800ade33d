#pragma once

#include <QDateTime>

namespace guichet {

// Every rule that depends on time reads the time through a Clock, so that tests
// can set it (see ManualClock in tests/testsupport).
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;

    QDate today() const { return now().toUTC().date(); }
    qint64 nowMs() const { return now().toMSecsSinceEpoch(); }
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

} // namespace guichet
