// Row joining for one series (see exec_rows.h): a k-way merge over a few
// field iterators by timestamp; k is small, so a linear scan beats a heap.
#include "series/exec_rows.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"

namespace strata::series {

RowReader::RowReader(SeriesReader* reader, std::string_view measurement,
                     uint64_t series_id, const std::vector<FieldInfo>& fields,
                     const std::vector<int>& wanted, Timestamp t0, Timestamp t1)
    : fields_(fields), row_(fields.size()) {
  std::vector<int> ids = wanted;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (int f : ids) {
    Input in;
    in.field = f;
    in.type = fields[f].type;
    in.it =
        reader->NewFieldIterator(measurement, series_id, fields[f].id, t0, t1);
    if (in.it == nullptr) {
      status_ = absl::InternalError(
          absl::StrFormat("no iterator for field %s", fields[f].name));
      return;
    }
    in.it->SeekToFirst();
    inputs_.push_back(std::move(in));
  }
}

bool RowReader::Next() {
  if (!status_.ok()) return false;
  int64_t t = std::numeric_limits<int64_t>::max();
  bool any = false;
  for (Input& in : inputs_) {
    if (in.in_row) {
      in.it->Next();
      in.in_row = false;
    }
    if (in.it->Valid()) {
      t = std::min(t, in.it->timestamp());
      any = true;
    }
  }
  if (!any) {
    for (Input& in : inputs_) {
      if (absl::Status s = in.it->status(); !s.ok()) {
        status_ = s;
        break;
      }
    }
    return false;
  }
  for (Input& in : inputs_) {
    Val& v = row_[in.field];
    v = Val();
    if (!in.it->Valid() || in.it->timestamp() != t) continue;
    in.in_row = true;
    if (!DecodeVal(in.type, in.it->value(), &v)) {
      status_ = absl::DataLossError(
          absl::StrFormat("malformed value of field %s (%d bytes) at time %d",
                          fields_[in.field].name, in.it->value().size(), t));
      return false;
    }
  }
  time_ = t;
  return true;
}

}  // namespace strata::series
