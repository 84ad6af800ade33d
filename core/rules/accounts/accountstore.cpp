#include "rules/accounts/accountstore.h"

namespace guichet {
} // namespace guichet
