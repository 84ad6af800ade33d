#pragma once

#include <functional>

class QWidget;

namespace guichet {

// Calls `then` once, from the event loop, right after `window` has painted for
// the first time: its first pixels are on screen. Call it before the event
// loop has shown the window (a window that already painted waits for its next
// paint). Used by `guichet --screenshot` and bench/bench_coldstart, whose
// measure of a cold start ends there.
void whenFirstPainted(QWidget *window, std::function<void()> then);

} // namespace guichet
