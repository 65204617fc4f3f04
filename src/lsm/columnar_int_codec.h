// The int column of the columnar block (schema/columnar-block.md, "int
// column"): n int64 values, split into runs that restart the delta chains,
// stored as a constant or as order-0/1/2 residuals in bit-packed frames.
// Every other column (timestamps, sequences, expiry, values, lengths) is
// built on it.
#ifndef STRATA_LSM_COLUMNAR_INT_CODEC_H_
#define STRATA_LSM_COLUMNAR_INT_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "lsm/columnar_format.h"

namespace strata {

// Appends the smallest encoding of v[0, n). `runs` are the run lengths and
// must sum to n (pass {n} for a single run; empty when n == 0).
void EncodeIntColumn(const int64_t* v, size_t n, std::span<const uint32_t> runs,
                     std::string* dst);

// Decodes n values into out[0, n) from *in, consuming exactly the column.
// `runs` must sum to n. DataLoss on malformed input.
absl::Status DecodeIntColumn(ByteCursor* in, size_t n,
                             std::span<const uint32_t> runs, int64_t* out);

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_INT_CODEC_H_
