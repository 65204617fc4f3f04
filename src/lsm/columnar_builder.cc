// Builds columnar block payloads (schema/columnar-block.md):
//
//   version | count | keys | timestamps | seqkind | expire | values
//
// Add() only appends to per-column arrays and updates a running size
// estimate; Finish() runs the codecs, trying every applicable one for the
// integer and value columns and keeping the smallest.
#include <cassert>
#include <cstring>
#include <span>
#include <vector>

#include "lsm/block.h"
#include "lsm/columnar_estimator.h"
#include "lsm/columnar_float_codec.h"
#include "lsm/columnar_format.h"
#include "lsm/columnar_int_codec.h"
#include "lsm/dbformat.h"

namespace strata {
namespace {

std::span<const uint32_t> SingleRun(const uint32_t* n) {
  return std::span<const uint32_t>(n, *n == 0 ? 0 : 1);
}

class ColumnarBlockBuilder final : public BlockBuilder {
 public:
  ColumnarBlockBuilder() { Reset(); }

  void Add(std::string_view internal_key, int64_t expire_at,
           std::string_view value) override {
    assert(internal_key.size() >= kInternalKeyTrailer);
    std::string_view user = ExtractUserKey(internal_key);
    bool new_run = run_lens_.empty() || user != last_key();
    if (new_run) {
      key_data_.append(user.data(), user.size());
      key_ends_.push_back(key_data_.size());
      run_lens_.push_back(1);
    } else {
      run_lens_.back()++;
    }
    ts_.push_back(ExtractTimestamp(internal_key));
    packed_.push_back(ExtractPackedSeqKind(internal_key));
    expire_.push_back(expire_at);
    value_data_.append(value.data(), value.size());
    value_ends_.push_back(value_data_.size());
    estimator_.Add(new_run, user, ts_.back(), packed_.back(), expire_at, value);
  }

  std::string_view Finish() override {
    const uint32_t n = count();
    out_.clear();
    out_.push_back(static_cast<char>(kColumnarVersion));
    PutVarint64(&out_, n);
    std::string keys = EncodeKeys(/*share_prefixes=*/true);
    std::string rest;
    AppendSection(&rest, EncodeInts(ts_.data()));
    AppendSection(&rest,
                  EncodeInts(reinterpret_cast<int64_t*>(packed_.data())));
    AppendSection(&rest, EncodeExpire());
    AppendSection(&rest, EncodeValues());
    // Prefix sharing can make decoded keys far larger than the payload; the
    // decoder bounds that ratio, so fall back to whole keys if needed.
    if (key_data_.size() >
        kMaxKeyExpansion * (out_.size() + keys.size() + rest.size())) {
      keys = EncodeKeys(/*share_prefixes=*/false);
    }
    AppendSection(&out_, keys);
    out_.append(rest);
    return out_;
  }

  void Reset() override {
    key_data_.clear();
    key_ends_.clear();
    run_lens_.clear();
    ts_.clear();
    packed_.clear();
    expire_.clear();
    value_data_.clear();
    value_ends_.clear();
    out_.clear();
    estimator_ = ColumnarSizeEstimator();
  }

  uint32_t count() const override { return static_cast<uint32_t>(ts_.size()); }
  size_t SizeEstimate() const override { return estimator_.Estimate(); }
  BlockEncoding encoding() const override { return BlockEncoding::kColumnar; }

 private:
  std::string_view key_of_run(size_t r) const {
    size_t start = r == 0 ? 0 : key_ends_[r - 1];
    return std::string_view(key_data_.data() + start, key_ends_[r] - start);
  }
  std::string_view last_key() const { return key_of_run(run_lens_.size() - 1); }
  std::string_view value_at(size_t i) const {
    size_t start = i == 0 ? 0 : value_ends_[i - 1];
    return std::string_view(value_data_.data() + start, value_ends_[i] - start);
  }

  static void AppendSection(std::string* dst, const std::string& section) {
    PutVarint64(dst, section.size());
    dst->append(section);
  }

  std::string EncodeInts(const int64_t* v) const {
    std::string s;
    EncodeIntColumn(v, count(), run_lens_, &s);
    return s;
  }

  std::string EncodeKeys(bool share_prefixes) const {
    std::string s;
    PutVarint64(&s, run_lens_.size());
    std::string_view prev;
    for (size_t r = 0; r < run_lens_.size(); r++) {
      std::string_view key = key_of_run(r);
      size_t shared = 0;
      if (share_prefixes) {
        size_t limit = std::min(prev.size(), key.size());
        while (shared < limit && prev[shared] == key[shared]) shared++;
      }
      PutVarint64(&s, shared);
      PutVarint64(&s, key.size() - shared);
      s.append(key.data() + shared, key.size() - shared);
      PutVarint64(&s, run_lens_[r]);
      prev = key;
    }
    return s;
  }

  std::string EncodeExpire() const {
    const uint32_t n = count();
    std::string s;
    std::vector<int64_t> flags(n), ttl;
    ttl.reserve(n);
    for (uint32_t i = 0; i < n; i++) {
      flags[i] = expire_[i] == kNeverExpires;
      if (!flags[i]) {
        ttl.push_back(static_cast<int64_t>(static_cast<uint64_t>(expire_[i]) -
                                           static_cast<uint64_t>(ts_[i])));
      }
    }
    if (ttl.empty()) {
      s.push_back(static_cast<char>(ExpireMode::kAllNever));
    } else if (ttl.size() == n) {
      s.push_back(static_cast<char>(ExpireMode::kAllTtl));
      EncodeIntColumn(ttl.data(), n, run_lens_, &s);
    } else {
      s.push_back(static_cast<char>(ExpireMode::kMixed));
      EncodeIntColumn(flags.data(), n, SingleRun(&n), &s);
      uint32_t with_ttl = static_cast<uint32_t>(ttl.size());
      EncodeIntColumn(ttl.data(), with_ttl, SingleRun(&with_ttl), &s);
    }
    return s;
  }

  std::string EncodeValues() const {
    const uint32_t n = count();
    std::string best;
    // Bytes codec: always applicable.
    {
      std::vector<int64_t> lens(n);
      for (uint32_t i = 0; i < n; i++) lens[i] = value_at(i).size();
      best.push_back(static_cast<char>(ValueCodec::kBytes));
      EncodeIntColumn(lens.data(), n, SingleRun(&n), &best);
      best.append(value_data_);
    }
    if (value_data_.size() != size_t{8} * n || n == 0) return best;
    for (uint32_t i = 0; i < n; i++) {
      if (value_at(i).size() != 8) return best;
    }
    std::vector<uint64_t> words(n);
    std::memcpy(words.data(), value_data_.data(), value_data_.size());
    std::string candidate;
    auto consider = [&] {
      if (candidate.size() < best.size()) best.swap(candidate);
      candidate.clear();
    };
    int scale;
    std::vector<int64_t> ints;
    if (FindDecimalScale(words.data(), n, &scale, &ints)) {
      candidate.push_back(static_cast<char>(ValueCodec::kDecimal));
      candidate.push_back(static_cast<char>(scale));
      EncodeIntColumn(ints.data(), n, run_lens_, &candidate);
      consider();
    }
    candidate.push_back(static_cast<char>(ValueCodec::kXor));
    EncodeXorColumn(words.data(), n, &candidate);
    consider();
    candidate.push_back(static_cast<char>(ValueCodec::kInt64));
    EncodeIntColumn(reinterpret_cast<const int64_t*>(words.data()), n,
                    run_lens_, &candidate);
    consider();
    return best;
  }

  // Distinct user keys of the runs, concatenated; key_ends_[r] ends run r's.
  std::string key_data_;
  std::vector<size_t> key_ends_;
  std::vector<uint32_t> run_lens_;
  std::vector<int64_t> ts_;
  std::vector<uint64_t> packed_;
  std::vector<int64_t> expire_;
  std::string value_data_;
  std::vector<size_t> value_ends_;
  ColumnarSizeEstimator estimator_;
  std::string out_;
};

}  // namespace

std::unique_ptr<BlockBuilder> NewColumnarBlockBuilder() {
  return std::make_unique<ColumnarBlockBuilder>();
}

}  // namespace strata
