// Incremental payload-size estimate for the columnar block builder.
#include "lsm/columnar_estimator.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "lsm/columnar_bits.h"
#include "lsm/columnar_float_codec.h"
#include "lsm/columnar_format.h"
#include "strata/types.h"
#include "util/coding.h"

namespace strata {

size_t FrameWidthEstimator::FrameBytes(size_t m, size_t nonzero, int width) {
  size_t dense = PackedBytes(m, width);
  size_t sparse = (m + 7) / 8 + PackedBytes(nonzero, width);
  return 2 + std::min(dense, sparse);
}

void FrameWidthEstimator::Add(int64_t residual) {
  if (!any_) {
    any_ = true;
    first_ = residual;
  }
  // Once the divisor is 1 it stays 1; otherwise only a residual it does
  // not divide needs a gcd.
  if (divisor_ != 1 && residual != first_) {
    uint64_t u = static_cast<uint64_t>(residual);
    uint64_t f = static_cast<uint64_t>(first_);
    uint64_t d = residual > first_ ? u - f : f - u;
    if (divisor_ == 0 || d % divisor_ != 0) divisor_ = std::gcd(divisor_, d);
  }
  uint64_t scaled = ZigZagEncode(residual);
  if (divisor_ > 1) scaled /= divisor_;
  max_width_ = std::max(max_width_, BitWidth(scaled));
  nonzero_ += residual != 0;
  if (++n_ == kColumnarFrameSize) {
    bytes_ += FrameBytes(n_, nonzero_, max_width_);
    n_ = 0;
    nonzero_ = 0;
    max_width_ = 0;
  }
}

size_t FrameWidthEstimator::Bytes() const {
  return bytes_ + (n_ == 0 ? 0 : FrameBytes(n_, nonzero_, max_width_));
}

void ChainEstimator::Add(int64_t v, bool run_start) {
  uint64_t u = static_cast<uint64_t>(v);
  if (!any_) {
    any_ = true;
    first_ = u;
  } else if (u != first_) {
    constant_ = false;
  }
  if (run_start) {
    pos_in_run_ = 0;
    runs_++;
  }
  if (pos_in_run_ >= 1) {
    uint64_t d = u - prev_;
    order1_.Add(static_cast<int64_t>(d));
    if (pos_in_run_ >= 2) order2_.Add(static_cast<int64_t>(d - prev_delta_));
    prev_delta_ = d;
  }
  prev_ = u;
  pos_in_run_++;
}

size_t ChainEstimator::Bytes() const {
  if (constant_) return 10;
  // Heads cost a few varint bytes per run (one for order 1, two for 2).
  return 1 + std::min(order1_.Bytes() + 3 * runs_, order2_.Bytes() + 5 * runs_);
}

void ColumnarSizeEstimator::Add(bool new_run, std::string_view user_key,
                                int64_t ts, uint64_t packed, int64_t expire_at,
                                std::string_view value) {
  count_++;
  if (new_run) {
    size_t shared = 0;
    size_t limit = std::min(prev_key_.size(), user_key.size());
    while (shared < limit && prev_key_[shared] == user_key[shared]) shared++;
    key_bytes_ += user_key.size() - shared + 3;
    prev_key_.assign(user_key.data(), user_key.size());
  }
  ts_.Add(ts, new_run);
  seq_.Add(static_cast<int64_t>(packed), new_run);
  if (expire_at == kNeverExpires) {
    never_expires_++;
  } else {
    ttl_.Add(static_cast<int64_t>(static_cast<uint64_t>(expire_at) -
                                  static_cast<uint64_t>(ts)),
             new_run);
  }
  value_bytes_ += value.size();
  if (all_8_bytes_ && value.size() == 8) {
    uint64_t word;
    std::memcpy(&word, value.data(), 8);
    AddFixedWidthValue(new_run, word);
  } else {
    all_8_bytes_ = false;
  }
}

void ColumnarSizeEstimator::AddFixedWidthValue(bool new_run, uint64_t word) {
  int_values_.Add(static_cast<int64_t>(word), new_run);

  if (decimal_ok_) {
    int64_t unused, scaled;
    int need = 0;
    while (need <= kMaxDecimalScale && !DecimalAtScale(word, need, &unused)) {
      need++;
    }
    decimal_scale_ = std::max(decimal_scale_, need);
    if (decimal_scale_ > kMaxDecimalScale ||
        !DecimalAtScale(word, decimal_scale_, &scaled)) {
      decimal_ok_ = false;
    } else {
      decimal_values_.Add(scaled, new_run);
    }
  }

  if (count_ == 1) {
    xor_bits_ = 64;
  } else {
    uint64_t x = word ^ prev_word_;
    if (x == 0) {
      xor_bits_ += 1;
    } else {
      int lead = __builtin_clzll(x), trail = __builtin_ctzll(x);
      if (xor_len_ != 0 && lead >= xor_lead_ &&
          trail >= 64 - xor_lead_ - xor_len_) {
        xor_bits_ += 2 + xor_len_;
      } else {
        xor_lead_ = lead;
        xor_len_ = 64 - lead - trail;
        xor_bits_ += 14 + xor_len_;
      }
    }
  }
  prev_word_ = word;
}

size_t ColumnarSizeEstimator::Estimate() const {
  // Version, count and five section lengths.
  size_t bytes = 1 + VarintLength(count_) + 5 * 3;
  bytes += 1 + key_bytes_;
  bytes += ts_.Bytes() + seq_.Bytes();
  if (never_expires_ != count_) {
    bytes += ttl_.Bytes() + (never_expires_ == 0 ? 1 : count_ / 8 + 8);
  }
  size_t values = value_bytes_ + std::min<size_t>(count_, 10) + 10;
  if (all_8_bytes_ && count_ > 0) {
    values = std::min(values, int_values_.Bytes());
    values = std::min<size_t>(values, (xor_bits_ + 7) / 8);
    if (decimal_ok_) values = std::min(values, decimal_values_.Bytes() + 1);
  }
  return bytes + 1 + values;
}

}  // namespace strata
