// Row joining for one series (see exec_rows.h): a k-way merge over a few
// field iterators by timestamp; k is small, so a linear scan beats a heap.
#include "series/exec_rows.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"

namespace strata::series {

RowReader::RowReader(ExecContext& ctx, uint64_t series_id,
                     const std::vector<int>& wanted)
    : fields_(ctx.plan->fields), row_(fields_.size()) {
  int ids[8];  // the usual few fields without an allocation
  std::vector<int> many;
  int* sorted = ids;
  if (wanted.size() > 8) {
    many = wanted;
    sorted = many.data();
  } else {
    std::copy(wanted.begin(), wanted.end(), ids);
  }
  std::sort(sorted, sorted + wanted.size());
  const size_t n = std::unique(sorted, sorted + wanted.size()) - sorted;
  inputs_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int f = sorted[i];
    Input in;
    in.field = f;
    in.type = fields_[f].type;
    in.it = ctx.scan(i)->Open(series_id, fields_[f].id);
    if (in.it == nullptr) {
      status_ = absl::InternalError(
          absl::StrFormat("no iterator for field %s", fields_[f].name));
      return;
    }
    in.it->SeekToFirst();
    inputs_.push_back(in);
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
