#include "rules/files/attachedfilestore.h"

namespace guichet {
} // namespace guichet
