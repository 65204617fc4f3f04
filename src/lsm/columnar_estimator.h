// Running estimate of a columnar block's payload size, updated in O(1) per
// entry so BlockBuilder::SizeEstimate() stays cheap. It mirrors the codecs
// roughly (per-frame bit widths of delta and delta-of-delta residuals, the
// XOR window cost, decimal scaling) and never encodes anything.
#ifndef STRATA_LSM_COLUMNAR_ESTIMATOR_H_
#define STRATA_LSM_COLUMNAR_ESTIMATOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

// Bytes of frames packing the added residuals: dense at the widest width
// of each frame, or sparse around zero if that is smaller, after dividing
// by the common divisor seen so far.
class FrameWidthEstimator {
 public:
  void Add(int64_t residual);
  size_t Bytes() const;

 private:
  static size_t FrameBytes(size_t m, size_t nonzero, int width);

  size_t bytes_ = 0;
  size_t n_ = 0;
  size_t nonzero_ = 0;
  int max_width_ = 0;
  bool any_ = false;
  int64_t first_ = 0;
  uint64_t divisor_ = 0;  // gcd of distances to first_; 0 while all equal
};

// Estimates an int column with runs: constant, order 1 or order 2.
class ChainEstimator {
 public:
  void Add(int64_t v, bool run_start);
  size_t Bytes() const;

 private:
  bool any_ = false;
  bool constant_ = true;
  uint64_t first_ = 0;
  uint64_t prev_ = 0;
  uint64_t prev_delta_ = 0;
  uint64_t pos_in_run_ = 0;
  size_t runs_ = 0;
  FrameWidthEstimator order1_, order2_;
};

class ColumnarSizeEstimator {
 public:
  void Add(bool new_run, std::string_view user_key, int64_t ts, uint64_t packed,
           int64_t expire_at, std::string_view value);
  size_t Estimate() const;

 private:
  void AddFixedWidthValue(bool new_run, uint64_t word);

  size_t count_ = 0;
  size_t key_bytes_ = 0;
  std::string prev_key_;
  ChainEstimator ts_, seq_, ttl_;
  size_t never_expires_ = 0;

  size_t value_bytes_ = 0;
  bool all_8_bytes_ = true;
  ChainEstimator int_values_;
  // Decimal scaling at the largest scale seen so far.
  bool decimal_ok_ = true;
  int decimal_scale_ = 0;
  ChainEstimator decimal_values_;
  // XOR stream: bits so far and the current window.
  uint64_t xor_bits_ = 0;
  uint64_t prev_word_ = 0;
  int xor_lead_ = 0, xor_len_ = 0;
};

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_ESTIMATOR_H_
