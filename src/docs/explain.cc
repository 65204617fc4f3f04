// Find, Count and Explain: parse the request, take the collection's info
// with a consistent snapshot, plan, and run the plan through the sources
// and the find cursor. Explain runs the query to the end and reports the
// plan, what it examined and the DB's block counters over the run (a
// delta of DB::GetStats, so concurrent readers of the same DB inflate it).
// docs_fetched counts document reads of index plans: 0 when a covering
// index answered from its entries.
#include "absl/strings/str_format.h"
#include "docs/doc_store.h"
#include "docs/planner.h"

namespace strata::docs {

namespace {

struct Started {
  FindQuery query;
  Plan plan;
  std::unique_ptr<DocSource> source;
  std::shared_ptr<ExecStats> stats;
};

absl::StatusOr<Started> StartFind(DocStoreImpl* store,
                                  std::string_view collection,
                                  const FindRequest& request,
                                  bool count_only = false) {
  std::unique_ptr<const Snapshot> snapshot;
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      store->InfoWithSnapshot(collection, &snapshot);
  if (!info.ok()) return info.status();
  absl::StatusOr<FindQuery> q = ParseFindQuery(**info, request);
  if (!q.ok()) return q.status();
  Started s;
  s.plan = ChoosePlan(**info, *q);
  s.stats = std::make_shared<ExecStats>();
  PlanInputs in;
  in.db = store->db();
  in.info = *info;
  in.snapshot = std::move(snapshot);
  in.plan = s.plan;
  in.filter = q->filter;
  in.match_all = q->match_all;
  in.count_only = count_only;
  in.stats = s.stats;
  // A sort the plan does not provide reads every row before the first.
  if (q->limit > 0 && (q->sort.empty() || s.plan.provides_sort)) {
    in.rows_wanted = q->skip + q->limit;
  }
  s.source = NewPlanSource(std::move(in));
  s.query = *std::move(q);
  return s;
}

}  // namespace

absl::StatusOr<std::unique_ptr<DocCursor>> DocStoreImpl::Find(
    std::string_view collection, const FindRequest& request) {
  absl::StatusOr<Started> s = StartFind(this, collection, request);
  if (!s.ok()) return s.status();
  return NewFindCursor(std::move(s->source), std::move(s->query),
                       s->plan.provides_sort, options_.max_sort_rows, s->stats);
}

absl::StatusOr<uint64_t> DocStoreImpl::Count(std::string_view collection,
                                             const FindRequest& request) {
  absl::StatusOr<Started> s = StartFind(this, collection, request, true);
  if (!s.ok()) return s.status();
  return CountSource(s->source.get(), s->query.skip, s->query.limit);
}

absl::StatusOr<std::string> DocStoreImpl::Explain(std::string_view collection,
                                                  const FindRequest& request) {
  const Stats before = db_->GetStats();
  absl::StatusOr<Started> s = StartFind(this, collection, request);
  if (!s.ok()) return s.status();
  const Plan plan = s->plan;
  const std::string index_name =
      plan.index != nullptr ? plan.index->spec.name : "";
  const bool sorts = !s->query.sort.empty();
  std::shared_ptr<ExecStats> stats = s->stats;
  std::unique_ptr<DocCursor> cursor =
      NewFindCursor(std::move(s->source), std::move(s->query),
                    plan.provides_sort, options_.max_sort_rows, stats);
  while (cursor->Next()) {
  }
  if (auto st = cursor->status(); !st.ok()) return st;
  cursor.reset();
  const Stats after = db_->GetStats();
  std::string out = absl::StrFormat("{\"plan\":\"%s\"", plan.name());
  if (plan.kind == PlanKind::kIndex) {
    out += ",\"index\":";
    AppendJsonString(&out, index_name);
    // Only when set, so plain index plans keep their explain text.
    if (plan.index->spec.covering) out += ",\"covering\":true";
    // The time window was turned into a range over this index's values.
    if (plan.window_by_index) out += ",\"window\":\"index\"";
  }
  out += absl::StrFormat(
      ",\"spans\":%d,\"reverse\":%s,\"sort\":\"%s\",\"keys_examined\":%d,"
      "\"docs_examined\":%d,\"docs_returned\":%d,\"docs_fetched\":%d,"
      "\"blocks_read\":%d,"
      "\"blocks_skipped\":%d,\"files_skipped\":%d}",
      plan.spans.size(), plan.reverse ? "true" : "false",
      !sorts               ? "none"
      : plan.provides_sort ? "plan"
                           : "memory",
      stats->keys_examined, stats->docs_examined, stats->docs_returned,
      stats->docs_fetched, after.blocks_read - before.blocks_read,
      (after.blocks_skipped_time - before.blocks_skipped_time) +
          (after.blocks_skipped_expired - before.blocks_skipped_expired),
      (after.files_skipped_time - before.files_skipped_time) +
          (after.files_skipped_expired - before.files_skipped_expired));
  return out;
}

}  // namespace strata::docs
