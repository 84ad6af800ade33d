#include "mail/digeststore.h"

namespace guichet {
} // namespace guichet
