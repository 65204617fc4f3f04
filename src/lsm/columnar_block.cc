// Placeholder until the columnar encoding lands: every call fails cleanly.
#include "lsm/block.h"

namespace strata {

std::unique_ptr<BlockBuilder> NewColumnarBlockBuilder() { return nullptr; }

absl::StatusOr<std::unique_ptr<Block>> DecodeColumnarBlock(
    std::string payload, uint32_t count, std::string_view where) {
  return absl::UnimplementedError("columnar blocks not built yet");
}

}  // namespace strata
