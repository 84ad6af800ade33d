#include "rules/manager/manageractivitystore.h"

namespace guichet {
} // namespace guichet
