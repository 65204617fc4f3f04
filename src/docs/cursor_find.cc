// The find cursor: skip, limit and projection over a source, plus an
// in-memory sort when the plan's order is not the requested one. The sort
// buffers at most max_sort_rows rows (ResourceExhausted beyond); with a
// limit it keeps only the best skip+limit rows in a heap. Without a sort
// nothing is buffered: each Next() pulls from the source. A result's key
// is turned into JSON only when key() is called.
#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/planner.h"
#include "util/errors.h"

namespace strata::docs {

namespace {

struct Row {
  SortKey key;
  uint64_t seq = 0;  // arrival order: ties keep it
  std::string pk;
  std::string doc;
};

class FindCursor final : public DocCursor {
 public:
  FindCursor(std::unique_ptr<DocSource> source, FindQuery q, bool presorted,
             size_t max_sort_rows, std::shared_ptr<ExecStats> stats)
      : source_(std::move(source)),
        q_(std::move(q)),
        sort_(!presorted && !q_.sort.empty()),
        max_sort_rows_(max_sort_rows),
        stats_(std::move(stats)) {}

  bool Next() override {
    if (!status_.ok() || !key_status_.ok() || done_) return false;
    if (q_.limit > 0 && returned_ >= q_.limit) return Finish();
    if (sort_ && !sorted_) {
      status_ = SortAll();
      sorted_ = true;
      if (!status_.ok()) return false;
    }
    while (true) {
      std::string_view pk, doc;
      if (sort_) {
        if (pos_ >= rows_.size()) return Finish();
        pk = rows_[pos_].pk;
        doc = rows_[pos_].doc;
        ++pos_;
      } else {
        if (!source_->Next()) {
          status_ = source_->status();
          return Finish();
        }
        doc = source_->doc();  // the key is asked of the source in key()
      }
      if (skipped_ < q_.skip) {
        ++skipped_;
        continue;
      }
      // The key's JSON is built on first use of key(): many callers read
      // only documents.
      pk_ = pk;  // valid, as doc is, until the next Next()
      key_ready_ = false;
      if (q_.projection.is_identity()) {
        doc_ = doc;
      } else {
        absl::StatusOr<std::string> p = q_.projection.Apply(doc);
        if (!p.ok()) {
          status_ = CorruptionError(absl::StrFormat("document %s", key()), 0,
                                    std::string(p.status().message()));
          return false;
        }
        projected_ = *std::move(p);
        doc_ = projected_;
      }
      ++returned_;
      ++stats_->docs_returned;
      return true;
    }
  }

  // A key that does not decode reads as empty and fails the cursor:
  // status() reports it and Next() returns false from then on.
  std::string_view key() const override {
    if (!key_ready_) {
      key_ready_ = true;
      absl::StatusOr<std::string> key =
          PrimaryKeyToJson(sort_ ? pk_ : source_->pk());
      if (key.ok()) {
        key_ = *std::move(key);
      } else {
        key_.clear();
        // The source may know why (a malformed index entry).
        if (key_status_.ok()) {
          absl::Status why = sort_ ? absl::OkStatus() : source_->status();
          key_status_ = why.ok() ? key.status() : std::move(why);
        }
      }
    }
    return key_;
  }
  std::string_view document() const override { return doc_; }
  absl::Status status() const override {
    return status_.ok() ? key_status_ : status_;
  }

 private:
  bool Finish() {
    done_ = true;
    pk_ = {};
    key_.clear();
    key_ready_ = true;
    doc_ = {};
    return false;
  }

  absl::Status SortAll() {
    SortKeyExtractor extractor(q_.sort);
    const SortSpec& spec = q_.sort;
    auto less = [&spec](const Row& a, const Row& b) {
      int c = CompareSortKeys(spec, a.key, b.key);
      return c != 0 ? c < 0 : a.seq < b.seq;
    };
    // With a limit only the best skip+limit rows can be returned.
    const uint64_t keep = q_.limit > 0 && q_.skip + q_.limit >= q_.skip
                              ? q_.skip + q_.limit
                              : UINT64_MAX;
    const bool bounded = keep <= max_sort_rows_;
    uint64_t seq = 0;
    while (source_->Next()) {
      absl::StatusOr<SortKey> k = extractor.Extract(source_->doc());
      if (!k.ok()) return k.status();
      Row row{*std::move(k), seq++, std::string(source_->pk()),
              std::string(source_->doc())};
      if (bounded) {
        if (rows_.size() == keep) {
          if (!less(row, rows_.front())) continue;
          std::pop_heap(rows_.begin(), rows_.end(), less);
          rows_.back() = std::move(row);
        } else {
          rows_.push_back(std::move(row));
        }
        std::push_heap(rows_.begin(), rows_.end(), less);
        continue;
      }
      if (rows_.size() >= max_sort_rows_) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "sort needs more than max_sort_rows (%d) rows; add a limit or "
            "an index on the sort paths",
            max_sort_rows_));
      }
      rows_.push_back(std::move(row));
    }
    if (auto st = source_->status(); !st.ok()) return st;
    std::sort(rows_.begin(), rows_.end(), less);
    return absl::OkStatus();
  }

  std::unique_ptr<DocSource> source_;
  FindQuery q_;
  const bool sort_;
  const size_t max_sort_rows_;
  std::shared_ptr<ExecStats> stats_;
  std::vector<Row> rows_;
  size_t pos_ = 0;
  bool sorted_ = false;
  bool done_ = false;
  uint64_t skipped_ = 0;
  uint64_t returned_ = 0;
  std::string_view pk_;      // encoded primary key of the current sorted row
  mutable std::string key_;  // its JSON, once key() asked for it
  mutable bool key_ready_ = true;
  mutable absl::Status key_status_;
  std::string projected_;
  std::string_view doc_;
  absl::Status status_;
};

}  // namespace

std::unique_ptr<DocCursor> NewFindCursor(std::unique_ptr<DocSource> source,
                                         FindQuery query, bool presorted,
                                         size_t max_sort_rows,
                                         std::shared_ptr<ExecStats> stats) {
  return std::make_unique<FindCursor>(std::move(source), std::move(query),
                                      presorted, max_sort_rows,
                                      std::move(stats));
}

absl::StatusOr<uint64_t> CountSource(DocSource* source, uint64_t skip,
                                     uint64_t limit) {
  uint64_t n = 0;
  while (source->Next()) {
    ++n;
    if (limit > 0 && n >= skip + limit && skip + limit >= skip) break;
  }
  if (auto st = source->status(); !st.ok()) return st;
  n = n > skip ? n - skip : 0;
  return limit > 0 ? std::min(n, limit) : n;
}

}  // namespace strata::docs
