// LineScanner: turns one line of line protocol into a ParsedPoint. The
// driver (line_protocol.cc) splits the input into lines, skips comments and
// formats errors; this file knows the grammar of a single line. Internal to
// the series layer.
#ifndef STRATA_SERIES_LP_SCAN_H_
#define STRATA_SERIES_LP_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "series/line_protocol.h"

namespace strata::lp_internal {

// Where a line went wrong: byte offset within the line, and why.
struct LineFault {
  size_t offset = 0;
  std::string reason;
};

class LineScanner {
 public:
  explicit LineScanner(const LineProtocolOptions& options);

  // Parses line (no '\n', trailing whitespace removed, non-empty from
  // start, which is the first non-blank byte). On failure fills *fault and
  // leaves *out unspecified.
  bool ParseLine(std::string_view line, size_t start, ParsedPoint* out,
                 LineFault* fault);

  // Parses a canonical series key: measurement and tags, nothing after.
  bool ParseKey(std::string_view key, PointView* out, LineFault* fault);

 private:
  struct TagAt {
    TagView tag;
    size_t key_offset;  // for the column of a duplicate key
  };

  // Makes room to unescape up to n bytes; invalidates earlier views.
  void ResetScratch(size_t n);
  // Measurement and tags from line[start]; returns the offset of the byte
  // that ended them (a space, or line.size()), or npos after a fault.
  size_t ParseKeySection(std::string_view line, size_t start, PointView* out,
                         LineFault* fault);
  // Field set from line[p]; returns the offset after it, or npos.
  size_t ParseFieldSection(std::string_view line, size_t p, PointView* out,
                           LineFault* fault);
  // One field value starting at line[p] (which exists and is not a
  // delimiter); returns the offset after it, or npos.
  size_t ParseFieldValue(std::string_view line, size_t p, std::string_view key,
                         FieldValueView* value, LineFault* fault);
  // Sorts tags_ by key into out->tags; false on a duplicate key.
  bool SortTags(PointView* out, LineFault* fault);
  // Merges repeated field keys (last value wins, first position kept).
  void MergeDuplicateFields(PointView* out);
  // Removes the fields named "time" (InfluxDB 1.x skips them); false if
  // no field is left.
  bool DropTimeFields(PointView* out);
  // Removes escapes from raw (an element of the given class) into the
  // scratch buffer. *canonical_size gets its size when re-escaped.
  std::string_view Unescape(std::string_view raw, uint8_t special,
                            size_t* canonical_size);
  std::string_view UnescapeString(std::string_view raw);

  const LineProtocolOptions options_;
  const int64_t multiplier_;
  const Timestamp default_time_;
  std::string scratch_;
  size_t scratch_used_ = 0;
  std::vector<TagAt> tags_;
  // Offset of the first field named "time" in the line, or npos.
  size_t time_field_offset_ = std::string_view::npos;
  std::vector<uint32_t> field_hashes_;
  absl::flat_hash_map<std::string_view, size_t, std::hash<std::string_view>>
      field_index_;
};

}  // namespace strata::lp_internal

#endif  // STRATA_SERIES_LP_SCAN_H_
