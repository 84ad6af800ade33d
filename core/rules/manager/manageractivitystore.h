#pragma once

namespace guichet {
} // namespace guichet
