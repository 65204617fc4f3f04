// Query planning and execution for Find/Count/Explain: parsing a
// FindRequest, choosing how to read (an index, primary-key ranges, a time
// window or a full scan), and the streaming pieces that run a plan:
// sources yield matching documents in plan order, the find cursor adds
// sort, skip, limit and projection.
//
// Plans only narrow what is read: every document a plan yields is checked
// against the whole filter (and time window) before it is returned, so a
// plan can over-approximate but must never miss a matching document. The
// one exception is a plan marked exact, whose spans decide the filter.
#ifndef STRATA_DOCS_PLANNER_H_
#define STRATA_DOCS_PLANNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "docs/catalog.h"
#include "docs/filter.h"
#include "docs/filter_projection.h"
#include "docs/filter_sort.h"
#include "strata/db.h"
#include "strata/docs.h"

namespace strata::docs {

// A FindRequest, parsed.
struct FindQuery {
  Filter filter;
  bool match_all = true;  // the filter is {}
  Projection projection;
  SortSpec sort;
  uint64_t skip = 0;
  uint64_t limit = 0;  // 0 = none
  Timestamp t0 = kMinTimestamp;
  Timestamp t1 = kMaxTimestamp;
  bool windowed = false;  // from or to was given
};

// InvalidArgument naming the part (filter, projection, sort, window).
absl::StatusOr<FindQuery> ParseFindQuery(const CollectionInfo& c,
                                         const FindRequest& request);

struct KeySpan {
  std::string start;  // inclusive
  std::string limit;  // exclusive
};

enum class PlanKind { kScan, kTimeWindow, kPrimary, kIndex };

struct Plan {
  PlanKind kind = PlanKind::kScan;
  const IndexInfo* index = nullptr;  // kIndex; owned by the CollectionInfo
  // Key ranges to read, ascending and disjoint: primary keys for kScan,
  // kTimeWindow and kPrimary, index entries for kIndex.
  std::vector<KeySpan> spans;
  Timestamp t0 = kMinTimestamp;
  Timestamp t1 = kMaxTimestamp;
  bool reverse = false;        // read spans from the end
  bool provides_sort = false;  // read order is the query's sort order
  bool dedup = false;          // a document may have several entries
  // Every document the spans hold matches the filter: no re-check.
  bool exact = false;
  // kIndex over an index on the time field: the spans were narrowed to
  // the time window's values (TimeWindowSpan).
  bool window_by_index = false;

  const char* name() const;
};

// The span of index ix's entries whose first component (the collection's
// time field) can hold a document time in [t0, t1): a superset, exact
// enough since entries carry their document's ts and reads apply the
// window to them (schema/docs.md, "Document records and the time field").
// False if ix's first path is not the time field, the unit is rfc3339
// (string order is not time order), or the window is open on both sides.
bool TimeWindowSpan(const CollectionInfo& c, const IndexInfo& ix, Timestamp t0,
                    Timestamp t1, KeySpan* span);

// Picks the cheapest plan for q over c (rules in planner.cc). Never fails:
// the fallback is a full scan.
Plan ChoosePlan(const CollectionInfo& c, const FindQuery& q,
                bool allow_indexes = true);

// What a query touched, for Explain.
struct ExecStats {
  uint64_t keys_examined = 0;  // index entries or primary records read
  uint64_t docs_examined = 0;  // documents matched against the filter
  uint64_t docs_fetched = 0;   // document reads an index plan made
  uint64_t docs_returned = 0;
};

// A stream of documents that pass the filter and window, in plan order.
// pk() and doc() stay valid until the next Next().
class DocSource {
 public:
  virtual ~DocSource() = default;
  virtual bool Next() = 0;
  virtual std::string_view pk() const = 0;  // encoded primary key
  virtual std::string_view doc() const = 0;
  virtual absl::Status status() const = 0;
};

// Everything a running plan needs and keeps alive.
struct PlanInputs {
  DB* db = nullptr;
  std::shared_ptr<const CollectionInfo> info;
  std::shared_ptr<const Snapshot> snapshot;
  Plan plan;
  Filter filter;
  bool match_all = true;
  std::shared_ptr<ExecStats> stats;
  // Only counting: an exact index plan then skips fetching documents
  // (doc() is empty), since an entry exists exactly when its document does.
  bool count_only = false;
  // How many rows the reader wants, if it says (skip + limit; 0: all): the
  // index source sizes its first batch by it.
  uint64_t rows_wanted = 0;
  // Document keys to leave out (a transaction's own writes); may be empty.
  std::shared_ptr<const absl::flat_hash_set<std::string>> exclude;
};

// Runs the plan (cursor_scan.cc).
std::unique_ptr<DocSource> NewPlanSource(PlanInputs in);
// Yields the given (pk, doc) pairs as they are (cursor_scan.cc).
std::unique_ptr<DocSource> NewListSource(
    std::vector<std::pair<std::string, std::string>> docs);
// a, then b.
std::unique_ptr<DocSource> NewChainSource(std::unique_ptr<DocSource> a,
                                          std::unique_ptr<DocSource> b);

// Sorts (unless presorted, bounded by max_sort_rows), skips, limits and
// projects a source (cursor_find.cc).
std::unique_ptr<DocCursor> NewFindCursor(std::unique_ptr<DocSource> source,
                                         FindQuery query, bool presorted,
                                         size_t max_sort_rows,
                                         std::shared_ptr<ExecStats> stats);

// Counts what a source yields after skip and limit.
absl::StatusOr<uint64_t> CountSource(DocSource* source, uint64_t skip,
                                     uint64_t limit);

// A cursor over a KeyRange of primary keys (index empty) or an index,
// read at snapshot (cursor_range.cc). keys_only skips document bodies
// (document() is then empty).
absl::StatusOr<std::unique_ptr<DocCursor>> NewRangeCursor(
    DB* db, std::shared_ptr<const CollectionInfo> info,
    std::shared_ptr<const Snapshot> snapshot, std::string_view index,
    const KeyRange& range, bool keys_only);

}  // namespace strata::docs

#endif  // STRATA_DOCS_PLANNER_H_
