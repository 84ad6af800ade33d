#include "ui/widgets/firstpaint.h"

#include <QEvent>
#include <QPointer>
#include <QTimer>
#include <QWidget>

namespace guichet {

namespace {

class FirstPaintWatcher : public QObject
{
public:
    FirstPaintWatcher(QWidget *window, std::function<void()> then)
        : QObject(window)
        , m_then(std::move(then))
    {
        window->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_fired) {
            m_fired = true;
            // After the paint event returns and the frame is flushed.
            QTimer::singleShot(0, watched, m_then);
            deleteLater();
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_then;
    bool m_fired = false;
};

} // namespace

void whenFirstPainted(QWidget *window, std::function<void()> then)
{
    new FirstPaintWatcher(window, std::move(then)); // owned by the window, gone after the paint
}

} // namespace guichet
