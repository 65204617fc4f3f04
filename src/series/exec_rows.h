// RowReader: joins the field iterators of one series by timestamp into
// rows (one value or null per field), the way InfluxDB's auxiliary
// iterators present a series to raw selects and field conditions. Values
// borrow iterator memory and stay valid until the next call to Next().
#ifndef STRATA_SERIES_EXEC_ROWS_H_
#define STRATA_SERIES_EXEC_ROWS_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "series/exec_group.h"
#include "series/exec_value.h"
#include "series/series_reader.h"

namespace strata::series {

class RowReader {
 public:
  // Reads `wanted` (indices into the plan's fields) of one series over the
  // plan's scan range, through the context's field scans 0, 1, ... (one
  // per field; a RowReader must be done before the next one is made).
  RowReader(ExecContext& ctx, uint64_t series_id,
            const std::vector<int>& wanted);

  // Moves to the next row; false at the end or on error (see status()).
  bool Next();
  int64_t time() const { return time_; }
  // Indexed like `fields`; fields not wanted are always null.
  const Val* row() const { return row_.data(); }
  absl::Status status() const { return status_; }

 private:
  struct Input {
    int field;
    FieldType type;
    Iterator* it = nullptr;  // owned by the field scan
    bool in_row = false;
  };
  const std::vector<FieldInfo>& fields_;
  std::vector<Input> inputs_;
  std::vector<Val> row_;
  int64_t time_ = 0;
  absl::Status status_;
};

}  // namespace strata::series

#endif  // STRATA_SERIES_EXEC_ROWS_H_
