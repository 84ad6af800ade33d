#include "rules/spaces/spacestore.h"

namespace guichet {
} // namespace guichet
