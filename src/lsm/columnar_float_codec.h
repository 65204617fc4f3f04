// Float64 codecs of the columnar block (schema/columnar-block.md, "values
// section"): decimal scaling (values that are exact k-digit decimals become
// integers) and Gorilla-style XOR of bit patterns.
#ifndef STRATA_LSM_COLUMNAR_FLOAT_CODEC_H_
#define STRATA_LSM_COLUMNAR_FLOAT_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lsm/columnar_format.h"

namespace strata {

// The smallest scale in 0..kMaxDecimalScale at which every word, read as a
// float64, round-trips through an integer; the integers go to *ints. False
// if some value is not finite, is -0.0, is too large, or needs more digits.
bool FindDecimalScale(const uint64_t* words, size_t n, int* scale,
                      std::vector<int64_t>* ints);

// True if the word, read as a float64, is exactly i / 10^scale for the
// integer *i it stores (same test as FindDecimalScale, for one value).
bool DecimalAtScale(uint64_t word, int scale, int64_t* i);

// The float64 bit pattern of i / 10^scale (the decoder's side).
uint64_t DecimalToWord(int64_t i, int scale);

// Appends the XOR bit stream of words[0, n).
void EncodeXorColumn(const uint64_t* words, size_t n, std::string* dst);

// Decodes n words from the rest of *in; fewer than 8 bits may remain.
absl::Status DecodeXorColumn(ByteCursor* in, size_t n, uint64_t* out);

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_FLOAT_CODEC_H_
