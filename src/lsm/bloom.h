// Bloom filter over the distinct user keys of one SST, so point reads can
// skip files that cannot hold a key. Byte format and hashing: schema/sst.md,
// "Filter block". A filter never gives a false negative.
#ifndef STRATA_LSM_BLOOM_H_
#define STRATA_LSM_BLOOM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

class BloomFilterBuilder {
 public:
  // bits_per_key <= 0 builds an empty filter ("everything may match").
  explicit BloomFilterBuilder(int bits_per_key);

  // Duplicate keys only cost accuracy; callers add each distinct key once.
  void AddKey(std::string_view user_key);
  size_t num_keys() const { return hashes_.size(); }
  // The filter payload; the builder is empty again afterwards.
  std::string Finish();

 private:
  int bits_per_key_;
  int k_;
  std::vector<uint64_t> hashes_;
};

// False only if user_key was certainly not added to `filter`. Malformed or
// empty filters answer true.
bool BloomFilterMayMatch(std::string_view filter, std::string_view user_key);

}  // namespace strata

#endif  // STRATA_LSM_BLOOM_H_
