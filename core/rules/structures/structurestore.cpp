#include "rules/structures/structurestore.h"

namespace guichet {
} // namespace guichet
