#include "util/hash.h"

#include <xxhash.h>

namespace strata {

uint64_t StableHash64(std::string_view data) {
  return XXH3_64bits(data.data(), data.size());
}

}  // namespace strata
