// Transactions (design: transaction.h). Commit validation uses the
// store's commit log (DocStoreImpl::CheckConflicts): a key with a commit
// number above this transaction's start was written after the snapshot.
#include "docs/transaction.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/planner.h"

namespace strata::docs {

namespace {

// Adds the key of every document a source yields to a read set.
class RecordingSource final : public DocSource {
 public:
  RecordingSource(std::unique_ptr<DocSource> inner, std::string prefix,
                  std::shared_ptr<absl::flat_hash_set<std::string>> reads)
      : inner_(std::move(inner)),
        prefix_(std::move(prefix)),
        reads_(std::move(reads)) {}
  bool Next() override {
    if (!inner_->Next()) return false;
    reads_->insert(prefix_ + std::string(inner_->pk()));
    return true;
  }
  std::string_view pk() const override { return inner_->pk(); }
  std::string_view doc() const override { return inner_->doc(); }
  absl::Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<DocSource> inner_;
  std::string prefix_;
  std::shared_ptr<absl::flat_hash_set<std::string>> reads_;
};

// Calls fn(key) for the document key of every document of info matching
// the predicate at snapshot, reading only what the predicate's plan reads.
template <typename Fn>
absl::Status ForEachMatch(DB* db, std::shared_ptr<const CollectionInfo> info,
                          std::shared_ptr<const Snapshot> snapshot,
                          const Filter& filter, bool match_all, Timestamp t0,
                          Timestamp t1, Fn fn) {
  FindQuery q;
  q.filter = filter;
  q.match_all = match_all;
  q.t0 = t0;
  q.t1 = t1;
  q.windowed = t0 != kMinTimestamp || t1 != kMaxTimestamp;
  PlanInputs in;
  in.db = db;
  in.plan = ChoosePlan(*info, q);
  in.info = info;
  in.snapshot = std::move(snapshot);
  in.filter = q.filter;
  in.match_all = match_all;
  in.stats = std::make_shared<ExecStats>();
  in.count_only = true;  // keys suffice
  std::unique_ptr<DocSource> source = NewPlanSource(std::move(in));
  std::string key;
  while (source->Next()) {
    key.assign(info->doc_prefix).append(source->pk());
    if (auto st = fn(key); !st.ok()) return st;
  }
  return source->status();
}

}  // namespace

std::unique_ptr<DocTransaction> DocStoreImpl::Begin() {
  return std::make_unique<DocTxnImpl>(this);
}

DocTxnImpl::DocTxnImpl(DocStoreImpl* store)
    : store_(store),
      read_set_(std::make_shared<absl::flat_hash_set<std::string>>()) {
  std::unique_ptr<const Snapshot> snap;
  start_ = store_->BeginTxn(&snap, &infos_);
  snapshot_ = std::move(snap);
}

DocTxnImpl::~DocTxnImpl() { Rollback(); }

void DocTxnImpl::Finish() {
  if (!open_) return;
  open_ = false;
  store_->EndTxn(start_);
}

void DocTxnImpl::Rollback() {
  Finish();
  ops_.clear();
  own_.clear();
}

absl::Status DocTxnImpl::CheckOpen() const {
  if (open_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the transaction has already committed or rolled back");
}

absl::StatusOr<std::shared_ptr<const CollectionInfo>> DocTxnImpl::Info(
    std::string_view collection) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  for (const auto& info : infos_) {
    if (info->spec.name == collection) {
      read_set_->insert(info->def_key);
      return info;
    }
  }
  return absl::NotFoundError(absl::StrFormat(
      "no collection named \"%s\" (as of the transaction's start)",
      collection));
}

absl::StatusOr<bool> DocTxnImpl::Exists(const std::string& key) {
  read_set_->insert(key);
  if (auto it = own_.find(key); it != own_.end()) return it->second.exists;
  ReadOptions ro;
  ro.snapshot = snapshot_.get();
  absl::StatusOr<Record> rec = store_->db()->GetLatest(ro, key);
  if (rec.ok()) return true;
  if (absl::IsNotFound(rec.status())) return false;
  return rec.status();
}

absl::StatusOr<std::string> DocTxnImpl::Get(std::string_view collection,
                                            std::string_view key_json) {
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info = Info(collection);
  if (!info.ok()) return info.status();
  absl::StatusOr<std::string> pk = EncodePrimaryKeyJson(key_json);
  if (!pk.ok()) return pk.status();
  std::string key = (*info)->doc_prefix + *pk;
  read_set_->insert(key);
  auto not_found = [&] {
    return absl::NotFoundError(absl::StrFormat(
        "collection \"%s\" has no document with key %s", collection, key_json));
  };
  if (auto it = own_.find(key); it != own_.end()) {
    if (!it->second.exists) return not_found();
    return it->second.json;
  }
  ReadOptions ro;
  ro.snapshot = snapshot_.get();
  absl::StatusOr<Record> rec = store_->db()->GetLatest(ro, key);
  if (!rec.ok()) {
    return absl::IsNotFound(rec.status()) ? not_found() : rec.status();
  }
  return std::move(rec->value);
}

absl::StatusOr<std::string> DocTxnImpl::Write(std::string_view collection,
                                              std::string_view json,
                                              bool insert) {
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info = Info(collection);
  if (!info.ok()) return info.status();
  PreparedDoc doc;
  if (preparer_ == nullptr) {
    preparer_ = std::make_unique<DocPreparer>(store_->options());
  }
  if (auto st = preparer_->Prepare(**info, json, store_, &doc); !st.ok()) {
    return st;
  }
  std::string key = (*info)->doc_prefix + doc.pk;
  if (insert) {
    absl::StatusOr<bool> exists = Exists(key);
    if (!exists.ok()) return exists.status();
    if (*exists) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "collection \"%s\" already has a document with key %s", collection,
          *PrimaryKeyToJson(doc.pk)));
    }
  }
  Own& own = own_[key];
  own.exists = true;
  own.json = doc.json;
  own.ts = doc.ts;
  ops_.push_back(
      Op{std::string(collection), doc.pk, false, insert, std::move(doc.json)});
  return PrimaryKeyToJson(doc.pk);
}

absl::StatusOr<std::string> DocTxnImpl::Put(std::string_view collection,
                                            std::string_view json) {
  return Write(collection, json, false);
}

absl::StatusOr<std::string> DocTxnImpl::Insert(std::string_view collection,
                                               std::string_view json) {
  return Write(collection, json, true);
}

absl::Status DocTxnImpl::Delete(std::string_view collection,
                                std::string_view key_json) {
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info = Info(collection);
  if (!info.ok()) return info.status();
  absl::StatusOr<std::string> pk = EncodePrimaryKeyJson(key_json);
  if (!pk.ok()) return pk.status();
  std::string key = (*info)->doc_prefix + *pk;
  absl::StatusOr<bool> exists = Exists(key);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return absl::NotFoundError(absl::StrFormat(
        "collection \"%s\" has no document with key %s", collection, key_json));
  }
  Own& own = own_[key];
  own.exists = false;
  own.json.clear();
  ops_.push_back(Op{std::string(collection), *std::move(pk), true, false, ""});
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DocCursor>> DocTxnImpl::Find(
    std::string_view collection, const FindRequest& request) {
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info = Info(collection);
  if (!info.ok()) return info.status();
  absl::StatusOr<FindQuery> q = ParseFindQuery(**info, request);
  if (!q.ok()) return q.status();
  // Keep the predicate for the phantom check (once per distinct one).
  if (query_ids_
          .insert(absl::StrFormat("%s|%s|%d|%d", collection, request.filter,
                                  q->t0, q->t1))
          .second) {
    queries_.push_back(ReadQuery{std::string(collection), q->filter,
                                 q->match_all, q->t0, q->t1});
  }
  const std::string& prefix = (*info)->doc_prefix;
  // Own writes replace what the snapshot holds for their keys.
  auto exclude = std::make_shared<absl::flat_hash_set<std::string>>();
  std::vector<std::pair<std::string, std::string>> mine;
  Matcher matcher(q->filter);
  for (const auto& [key, own] : own_) {
    if (!key.starts_with(prefix)) continue;
    exclude->insert(key);
    if (!own.exists || own.ts < q->t0 || own.ts >= q->t1) continue;
    absl::StatusOr<bool> m = matcher.Matches(own.json);
    if (!m.ok()) return m.status();
    if (*m) mine.emplace_back(key.substr(prefix.size()), own.json);
  }
  std::sort(mine.begin(), mine.end());
  PlanInputs in;
  in.db = store_->db();
  in.info = *info;
  in.snapshot = snapshot_;
  in.plan = ChoosePlan(**info, *q);
  in.filter = q->filter;
  in.match_all = q->match_all;
  in.stats = std::make_shared<ExecStats>();
  in.exclude = exclude;
  const bool presorted = in.plan.provides_sort && mine.empty();
  std::shared_ptr<ExecStats> stats = in.stats;
  std::unique_ptr<DocSource> source = NewChainSource(
      NewPlanSource(std::move(in)), NewListSource(std::move(mine)));
  source =
      std::make_unique<RecordingSource>(std::move(source), prefix, read_set_);
  return NewFindCursor(std::move(source), *std::move(q), presorted,
                       store_->options().max_sort_rows, std::move(stats));
}

absl::Status DocTxnImpl::Commit(bool sync) {
  if (auto st = CheckOpen(); !st.ok()) return st;
  if (ops_.empty()) {
    Finish();
    return absl::OkStatus();
  }
  // What the Finds matched at the snapshot; read before taking the lock.
  absl::flat_hash_set<std::string> matched;
  absl::Status result = SnapshotQueryKeys(&matched);
  if (!result.ok()) {
    Rollback();
    return result;
  }
  {
    WriterLock wl(store_->write_mu());
    std::vector<std::string> keys(read_set_->begin(), read_set_->end());
    for (const auto& [key, own] : own_) keys.push_back(key);
    result = store_->CheckConflicts(keys, start_);
    if (result.ok()) {
      keys.assign(matched.begin(), matched.end());
      result = store_->CheckConflicts(keys, start_);
      if (!result.ok()) {
        result = absl::AbortedError(absl::StrFormat(
            "%s (it matched a Find of this transaction at its snapshot)",
            result.message()));
      }
    }
    if (result.ok()) result = CheckCurrentQueries();
    BatchWriter w(store_);
    for (size_t i = 0; result.ok() && i < ops_.size(); ++i) {
      const Op& op = ops_[i];
      absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
          store_->catalog().Get(op.collection);
      if (!info.ok()) {
        result = info.status();
        break;
      }
      if (op.is_delete) {
        result = w.Delete(**info, op.pk, false);
        continue;
      }
      PreparedDoc doc;
      result =
          store_->write_preparer()->Prepare(**info, op.json, nullptr, &doc);
      if (result.ok()) {
        result = w.Put(
            **info, &doc,
            op.insert ? BatchWriter::Mode::kInsert : BatchWriter::Mode::kUpsert,
            0);
      }
    }
    if (result.ok()) result = w.Commit(sync);
  }
  Rollback();  // ends the transaction either way
  return result;
}

absl::Status DocTxnImpl::SnapshotQueryKeys(
    absl::flat_hash_set<std::string>* keys) {
  for (const ReadQuery& rq : queries_) {
    std::shared_ptr<const CollectionInfo> info;
    for (const auto& i : infos_) {
      if (i->spec.name == rq.collection) info = i;
    }
    if (info == nullptr) continue;  // Find already failed with NotFound
    absl::Status st =
        ForEachMatch(store_->db(), info, snapshot_, rq.filter, rq.match_all,
                     rq.t0, rq.t1, [&](const std::string& key) {
                       keys->insert(key);
                       return absl::OkStatus();
                     });
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status DocTxnImpl::CheckCurrentQueries() {
  if (queries_.empty()) return absl::OkStatus();
  // Commits hold the writer lock, so this snapshot is the state the
  // commit will apply to.
  std::shared_ptr<const Snapshot> now = store_->db()->GetSnapshot();
  // Keys are checked in bounded groups so memory does not grow with the
  // result.
  constexpr size_t kGroup = 1024;
  std::vector<std::string> group;
  auto check = [&]() -> absl::Status {
    absl::Status st = store_->CheckConflicts(group, start_);
    group.clear();
    if (st.ok()) return st;
    return absl::AbortedError(absl::StrFormat(
        "%s (it matches a Find of this transaction now)", st.message()));
  };
  for (const ReadQuery& rq : queries_) {
    absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
        store_->catalog().Get(rq.collection);
    // A dropped collection was written after Begin: its definition key,
    // in the read set since the Find, has already aborted the commit.
    if (!info.ok()) continue;
    absl::Status st = ForEachMatch(
        store_->db(), *info, now, rq.filter, rq.match_all, rq.t0, rq.t1,
        [&](const std::string& key) {
          group.push_back(key);
          return group.size() < kGroup ? absl::OkStatus() : check();
        });
    if (!st.ok()) return st;
    if (auto c = check(); !c.ok()) return c;
  }
  return absl::OkStatus();
}

}  // namespace strata::docs
