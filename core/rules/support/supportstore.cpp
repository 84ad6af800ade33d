#include "rules/support/supportstore.h"

namespace guichet {
} // namespace guichet
