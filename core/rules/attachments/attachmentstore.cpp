#include "rules/attachments/attachmentstore.h"

namespace guichet {
} // namespace guichet
