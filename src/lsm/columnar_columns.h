// The decoded form of a columnar block: every column materialised into an
// array once, so iterators only index. Filled by DecodeColumnarPayload
// (columnar_decode.cc), read by the block iterators (columnar_block.cc,
// columnar_compact.cc). Decoding can stop after the key columns when a
// reader only needs keys (a merge deciding which source is ahead).
#ifndef STRATA_LSM_COLUMNAR_COLUMNS_H_
#define STRATA_LSM_COLUMNAR_COLUMNS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace strata {

struct ColumnarColumns {
  uint32_t count = 0;
  // Distinct user keys, one per run, concatenated. Run r has key
  // key_data[key_offsets[r], key_offsets[r+1]) and entries
  // [run_starts[r], run_starts[r+1]). Both arrays have runs + 1 elements.
  std::string key_data;
  std::vector<size_t> key_offsets;
  std::vector<uint32_t> run_starts;
  std::vector<uint32_t> run_lengths;  // runs elements: the codecs' run split

  std::vector<int64_t> ts;
  std::vector<uint64_t> packed;  // seq << 8 | kind
  std::vector<int64_t> expire;

  // Values: either 8-byte words (words.size() == count) or slices of
  // value_data delimited by value_offsets (count + 1 elements).
  std::vector<uint64_t> words;
  std::string_view value_data;
  std::vector<size_t> value_offsets;

  size_t runs() const { return run_starts.empty() ? 0 : run_starts.size() - 1; }
  std::string_view user_key(size_t run) const {
    return std::string_view(key_data.data() + key_offsets[run],
                            key_offsets[run + 1] - key_offsets[run]);
  }
  std::string_view value(size_t i) const {
    if (!words.empty()) {
      return std::string_view(reinterpret_cast<const char*>(&words[i]), 8);
    }
    return value_data.substr(value_offsets[i],
                             value_offsets[i + 1] - value_offsets[i]);
  }
  // Heap bytes held by the arrays.
  size_t MemoryUsage() const;
  // Empties every array but keeps its capacity, for reuse across blocks.
  void Clear();
};

// Decodes `payload` (schema/columnar-block.md) into *out, checking every
// count, width, length and the internal-key order. Value slices point into
// `payload`, which must outlive *out. DataLoss errors name `where` and the
// offset within the payload.
absl::Status DecodeColumnarPayload(std::string_view payload, uint32_t count,
                                   std::string_view where,
                                   ColumnarColumns* out);

// The same in two stages. The first clears *out and fills count, the keys,
// runs, ts and packed (checked as above); the second, which REQUIRES the
// first to have succeeded on the same payload into *out, adds expire and
// the values. Together they equal DecodeColumnarPayload.
absl::Status DecodeColumnarKeyColumns(std::string_view payload, uint32_t count,
                                      std::string_view where,
                                      ColumnarColumns* out);
absl::Status DecodeColumnarValueColumns(std::string_view payload,
                                        std::string_view where,
                                        ColumnarColumns* out);

}  // namespace strata

#endif  // STRATA_LSM_COLUMNAR_COLUMNS_H_
