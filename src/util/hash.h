// Stable 64-bit hashing (xxHash3) for on-disk structures such as bloom
// filters. Unlike absl::Hash it is not seeded per process, so filters
// written by one process and version are valid in every other.
#ifndef STRATA_UTIL_HASH_H_
#define STRATA_UTIL_HASH_H_

#include <cstdint>
#include <string_view>

namespace strata {

uint64_t StableHash64(std::string_view data);

}  // namespace strata

#endif  // STRATA_UTIL_HASH_H_
