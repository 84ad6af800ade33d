#include "rules/audit/auditstore.h"

namespace guichet {
} // namespace guichet
