#pragma once

#include <QStringList>

namespace guichet::ctl {

// Exit codes: 0 success, 1 failure while running, 2 bad input (one-line reason).
enum ExitCode { Success = 0, Failure = 1, BadInput = 2 };

int run(const QStringList &arguments);

} // namespace guichet::ctl
