// DocStoreImpl: opening, collection and index definitions (with the index
// backfill), single-document reads and writes, generated ids and the
// commit log transactions validate against. Queries live in explain.cc
// and cursor_*.cc, transactions in transaction.cc, the batch writer in
// doc_write.cc. Definitions change under write_mu_ and, while they write
// and install, the catalog's mutex, so readers see consistent pairs.
#include "docs/doc_store.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/merge_patch.h"
#include "strata/env.h"
#include "util/coding.h"
#include "util/errors.h"

namespace strata {

absl::StatusOr<std::unique_ptr<DocumentStore>> DocumentStore::Open(
    DB* db, const DocumentStoreOptions& options) {
  if (db == nullptr) return absl::InvalidArgumentError("DocumentStore: no DB");
  if (options.max_document_bytes < 1024 ||
      options.max_document_bytes > (size_t{64} << 20)) {
    return absl::InvalidArgumentError(
        "max_document_bytes must be in [1 KiB, 64 MiB]");
  }
  if (options.max_nesting_depth < 1 || options.max_nesting_depth > 1024) {
    return absl::InvalidArgumentError("max_nesting_depth must be in [1, 1024]");
  }
  if (options.max_sort_rows < 1) {
    return absl::InvalidArgumentError("max_sort_rows must be at least 1");
  }
  auto store = std::make_unique<docs::DocStoreImpl>(db, options);
  if (auto st = store->Init(); !st.ok()) return st;
  return std::unique_ptr<DocumentStore>(std::move(store));
}

namespace docs {

namespace {

constexpr size_t kBackfillBatchBytes = 4 << 20;

WriteOptions Synced() {
  WriteOptions wo;
  wo.sync = true;
  return wo;
}

std::vector<IndexSpec> SpecsOf(const CollectionInfo& c) {
  std::vector<IndexSpec> out;
  for (const IndexInfo& ix : c.indexes) out.push_back(ix.spec);
  return out;
}

}  // namespace

DocStoreImpl::DocStoreImpl(DB* db, const DocumentStoreOptions& options)
    : db_(db),
      options_(options),
      env_(options.env != nullptr ? options.env : Env::Default()),
      preparer_(options) {}

DocStoreImpl::~DocStoreImpl() = default;

absl::Status DocStoreImpl::Init() {
  WriteBatch cleanup;
  if (auto st = catalog_.Load(db_, &cleanup); !st.ok()) return st;
  if (cleanup.Count() > 0) return db_->Write(Synced(), cleanup);
  return absl::OkStatus();
}

absl::Status DocStoreImpl::CreateCollection(const CollectionSpec& spec) {
  return CreateWithIndexes(spec, {});
}

absl::Status DocStoreImpl::CreateCollectionFromJson(std::string_view json) {
  CollectionSpec spec;
  std::vector<IndexSpec> indexes;
  if (auto st = ParseCollectionJson(json, &spec, &indexes); !st.ok()) {
    return st;
  }
  return CreateWithIndexes(spec, indexes);
}

absl::Status DocStoreImpl::CreateWithIndexes(
    const CollectionSpec& spec, const std::vector<IndexSpec>& indexes) {
  CollectionSpec s = spec;
  if (auto st = NormalizeCollectionSpec(&s); !st.ok()) return st;
  if (indexes.size() > kMaxIndexesPerCollection) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "at most %d indexes per collection", kMaxIndexesPerCollection));
  }
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (auto st = ValidateIndexSpec(indexes[i]); !st.ok()) return st;
    for (size_t j = 0; j < i; ++j) {
      if (indexes[j].name == indexes[i].name) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "index name \"%s\" is used twice", indexes[i].name));
      }
    }
  }
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      BuildCollectionInfo(s, indexes);
  if (!info.ok()) return info.status();
  WriterLock wl(&write_mu_);
  if (catalog_.Get(s.name).ok()) {
    return absl::AlreadyExistsError(
        absl::StrFormat("collection \"%s\" already exists", s.name));
  }
  WriteBatch b;
  b.Put((*info)->def_key, 0, CollectionDefJson(s), Expiry::Never());
  for (const IndexSpec& is : indexes) {
    b.Put(IndexDefKey(s.name, is.name), 0, IndexDefJson(is, true),
          Expiry::Never());
  }
  {
    WriterLock cl(catalog_.mu());
    if (auto st = db_->Write(Synced(), b); !st.ok()) return st;
    catalog_.Install(*info);
  }
  NoteCommitted({(*info)->def_key});
  return absl::OkStatus();
}

absl::Status DocStoreImpl::DropCollection(std::string_view name) {
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(name);
  if (!info.ok()) return info.status();
  WriteBatch b;
  for (char tag : {kCollectionTag, kDocumentTag, kIndexEntryTag, kMetaTag}) {
    std::string prefix = CollectionPrefix(tag, name);
    b.DeleteRange(prefix, PrefixEnd(prefix));
  }
  {
    WriterLock cl(catalog_.mu());
    if (auto st = db_->Write(Synced(), b); !st.ok()) return st;
    catalog_.Remove(name);
  }
  NoteCommitted({(*info)->def_key});
  max_doc_key_.erase(std::string(name));
  WriterLock il(&id_mu_);
  last_id_.erase(std::string(name));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CollectionSpec>> DocStoreImpl::ListCollections() {
  std::vector<CollectionSpec> out;
  for (const auto& info : catalog_.List()) out.push_back(info->spec);
  return out;
}

absl::Status DocStoreImpl::CreateIndex(std::string_view collection,
                                       const IndexSpec& spec) {
  if (auto st = ValidateIndexSpec(spec); !st.ok()) return st;
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  const CollectionInfo& c = **info;
  if (c.FindIndex(spec.name) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrFormat("collection \"%s\" already has an index \"%s\"",
                        collection, spec.name));
  }
  if (c.indexes.size() >= kMaxIndexesPerCollection) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "at most %d indexes per collection", kMaxIndexesPerCollection));
  }
  std::vector<IndexSpec> all = SpecsOf(c);
  all.push_back(spec);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> building =
      BuildCollectionInfo(c.spec, {spec});
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> next =
      BuildCollectionInfo(c.spec, all);
  if (!building.ok()) return building.status();
  if (!next.ok()) return next.status();
  const std::string def_key = IndexDefKey(c.spec.name, spec.name);
  if (auto st = db_->Put(Synced(), def_key, 0, IndexDefJson(spec, false),
                         Expiry::Never());
      !st.ok()) {
    return st;
  }
  if (auto st = Backfill(**building, (*building)->indexes[0]); !st.ok()) {
    // Best effort: a failed cleanup is redone by the next Open.
    (void)RemoveIndexData(c, spec);
    return st;
  }
  WriterLock cl(catalog_.mu());
  if (auto st = db_->Put(Synced(), def_key, 0, IndexDefJson(spec, true),
                         Expiry::Never());
      !st.ok()) {
    return st;
  }
  catalog_.Install(*next);
  return absl::OkStatus();
}

absl::Status DocStoreImpl::Backfill(const CollectionInfo& c,
                                    const IndexInfo& ix) {
  PathExtractor ex(c.paths);
  auto it = db_->NewIterator(ReadOptions(), ScanRange{c.doc_prefix, c.doc_end});
  WriteBatch b;
  std::vector<std::string> entries;
  std::string key;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view pk = it->key().substr(c.doc_prefix.size());
    absl::Status st = ex.Extract(it->value());
    if (!st.ok()) {
      return CorruptionError(DescribeKey(it->key()), 0,
                             std::string(st.message()));
    }
    st = IndexEntriesOf(ix, ex, &entries);
    if (!st.ok()) {
      return Annotate(
          st, absl::StrFormat("cannot index %s", DescribeKey(it->key())));
    }
    for (const std::string& e : entries) {
      key.assign(ix.prefix).append(e).append(pk);
      // A covering index's entries carry the document (schema/docs.md).
      b.Put(key, it->timestamp(),
            ix.spec.covering ? it->value() : std::string_view(),
            Expiry::At(it->expire_at()));
    }
    if (b.ApproximateSize() >= kBackfillBatchBytes) {
      if (auto ws = db_->Write(WriteOptions(), b); !ws.ok()) return ws;
      b.Clear();
    }
  }
  if (!it->status().ok()) return it->status();
  if (b.Count() > 0) {
    if (auto ws = db_->Write(WriteOptions(), b); !ws.ok()) return ws;
  }
  if (!ix.spec.unique) return absl::OkStatus();
  // Entries sort by value then key: duplicates are neighbours.
  std::string end = PrefixEnd(ix.prefix);
  auto scan = db_->NewIterator(ReadOptions(), ScanRange{ix.prefix, end});
  std::string prev_values, prev_pk;
  for (scan->SeekToFirst(); scan->Valid(); scan->Next()) {
    std::string_view values, pk;
    if (!SplitIndexEntry(scan->key().substr(ix.prefix.size()),
                         ix.spec.paths.size(), &values, &pk)) {
      return CorruptionError("index entry", 0, "malformed key");
    }
    if (values == prev_values && pk != prev_pk) {
      absl::StatusOr<std::string> a = PrimaryKeyToJson(prev_pk);
      absl::StatusOr<std::string> b2 = PrimaryKeyToJson(pk);
      return absl::AlreadyExistsError(absl::StrFormat(
          "cannot create unique index \"%s\" of collection \"%s\": value %s "
          "is in documents %s and %s",
          ix.spec.name, c.spec.name, IndexValuesToJson(values),
          a.ok() ? *a : "?", b2.ok() ? *b2 : "?"));
    }
    prev_values.assign(values);
    prev_pk.assign(pk);
  }
  return scan->status();
}

absl::Status DocStoreImpl::RemoveIndexData(const CollectionInfo& c,
                                           const IndexSpec& spec) {
  WriteBatch b;
  std::string prefix = IndexPrefix(c.spec.name, spec.name);
  b.DeleteRange(prefix, PrefixEnd(prefix));
  b.Delete(IndexDefKey(c.spec.name, spec.name), 0);
  return db_->Write(Synced(), b);
}

absl::Status DocStoreImpl::DropIndex(std::string_view collection,
                                     std::string_view name) {
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  const IndexInfo* ix = (*info)->FindIndex(name);
  if (ix == nullptr) {
    return absl::NotFoundError(absl::StrFormat(
        "collection \"%s\" has no index \"%s\"", collection, name));
  }
  std::vector<IndexSpec> rest;
  for (const IndexInfo& other : (*info)->indexes) {
    if (other.spec.name != name) rest.push_back(other.spec);
  }
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> next =
      BuildCollectionInfo((*info)->spec, rest);
  if (!next.ok()) return next.status();
  WriterLock cl(catalog_.mu());
  if (auto st = RemoveIndexData(**info, ix->spec); !st.ok()) return st;
  catalog_.Install(*next);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<IndexSpec>> DocStoreImpl::ListIndexes(
    std::string_view collection) {
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  return SpecsOf(**info);
}

absl::StatusOr<std::string> DocStoreImpl::PutOne(
    std::string_view collection, std::string_view json, BatchWriter::Mode mode,
    const DocWriteOptions& options) {
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  PreparedDoc doc;
  if (auto st = preparer_.Prepare(**info, json, this, &doc); !st.ok()) {
    return st;
  }
  BatchWriter w(this);
  if (auto st = w.Put(**info, &doc, mode, options.ttl_ns); !st.ok()) return st;
  if (auto st = w.Commit(options.sync); !st.ok()) return st;
  return PrimaryKeyToJson(doc.pk);
}

absl::StatusOr<std::string> DocStoreImpl::Insert(
    std::string_view collection, std::string_view json,
    const DocWriteOptions& options) {
  return PutOne(collection, json, BatchWriter::Mode::kInsert, options);
}

absl::StatusOr<std::string> DocStoreImpl::Put(std::string_view collection,
                                              std::string_view json,
                                              const DocWriteOptions& options) {
  return PutOne(collection, json, BatchWriter::Mode::kUpsert, options);
}

absl::Status DocStoreImpl::PutMany(std::string_view collection,
                                   const std::vector<std::string>& docs,
                                   bool insert_only,
                                   const DocWriteOptions& options) {
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  const auto mode =
      insert_only ? BatchWriter::Mode::kInsert : BatchWriter::Mode::kUpsert;
  BatchWriter w(this);
  PreparedDoc doc;
  for (size_t i = 0; i < docs.size(); ++i) {
    absl::Status st = preparer_.Prepare(**info, docs[i], this, &doc);
    if (st.ok()) st = w.Put(**info, &doc, mode, options.ttl_ns);
    if (!st.ok()) return Annotate(st, absl::StrFormat("document %d", i));
  }
  return w.Commit(options.sync);
}

absl::StatusOr<std::string> DocStoreImpl::Get(std::string_view collection,
                                              std::string_view key_json) {
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  absl::StatusOr<std::string> pk = EncodePrimaryKeyJson(key_json);
  if (!pk.ok()) return pk.status();
  absl::StatusOr<Record> rec =
      db_->GetLatest(ReadOptions(), (*info)->doc_prefix + *pk);
  if (!rec.ok()) {
    if (!absl::IsNotFound(rec.status())) return rec.status();
    return absl::NotFoundError(absl::StrFormat(
        "collection \"%s\" has no document with key %s", collection, key_json));
  }
  return std::move(rec->value);
}

absl::Status DocStoreImpl::Delete(std::string_view collection,
                                  std::string_view key_json) {
  absl::StatusOr<std::string> pk = EncodePrimaryKeyJson(key_json);
  if (!pk.ok()) return pk.status();
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  BatchWriter w(this);
  if (auto st = w.Delete(**info, *pk, true); !st.ok()) return st;
  return w.Commit(false);
}

// A patch keeps the document's own expiry, as it keeps every member it does
// not name. With a time field the TTL counts from the document time, so the
// TTL it was written with moves with a patched time; without one the
// document keeps the instant it expires at. The writer adds the result to
// the new time (or to now). 0, the collection default, only for a document
// that never expires.
int64_t DocStoreImpl::KeptTtl(const CollectionInfo& c,
                              const Record& old) const {
  if (old.expire_at == kNeverExpires) return 0;
  const int64_t base = c.time_slot >= 0 ? old.ts : env_->NowNanos();
  int64_t ttl;
  if (__builtin_sub_overflow(old.expire_at, base, &ttl) || ttl < 1) ttl = 1;
  return ttl;
}

absl::StatusOr<std::string> DocStoreImpl::Patch(std::string_view collection,
                                                std::string_view key_json,
                                                std::string_view merge_patch) {
  absl::StatusOr<std::string> pk = EncodePrimaryKeyJson(key_json);
  if (!pk.ok()) return pk.status();
  WriterLock wl(&write_mu_);
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.Get(collection);
  if (!info.ok()) return info.status();
  absl::StatusOr<Record> rec =
      db_->GetLatest(ReadOptions(), (*info)->doc_prefix + *pk);
  if (!rec.ok()) {
    if (!absl::IsNotFound(rec.status())) return rec.status();
    return absl::NotFoundError(absl::StrFormat(
        "collection \"%s\" has no document with key %s", collection, key_json));
  }
  absl::StatusOr<std::string> patched =
      ApplyMergePatch(rec->value, merge_patch);
  if (!patched.ok()) return patched.status();
  PreparedDoc doc;
  if (auto st = preparer_.Prepare(**info, *patched, nullptr, &doc); !st.ok()) {
    return Annotate(st, "patched document");
  }
  if (doc.pk != *pk) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "patch changes the primary key at '%s'", (*info)->spec.key_path));
  }
  BatchWriter w(this);
  const int64_t ttl_ns = KeptTtl(**info, *rec);
  if (auto st = w.Put(**info, &doc, BatchWriter::Mode::kUpdate, ttl_ns);
      !st.ok()) {
    return st;
  }
  if (auto st = w.Commit(false); !st.ok()) return st;
  return std::move(doc.json);
}

uint64_t DocStoreImpl::NextId(const CollectionInfo& c) {
  uint64_t last = LastId(c);
  WriterLock l(&id_mu_);
  uint64_t& slot = last_id_[c.spec.name];
  last = std::max(last, slot);
  int64_t now = env_->NowNanos();
  slot = std::max<uint64_t>(now > 0 ? static_cast<uint64_t>(now) : 0, last + 1);
  return slot;
}

void DocStoreImpl::ObserveId(const CollectionInfo& c, uint64_t id) {
  (void)LastId(c);
  WriterLock l(&id_mu_);
  uint64_t& slot = last_id_[c.spec.name];
  slot = std::max(slot, id);
}

uint64_t DocStoreImpl::LastId(const CollectionInfo& c) {
  {
    WriterLock l(&id_mu_);
    auto it = last_id_.find(c.spec.name);
    if (it != last_id_.end()) return it->second;
  }
  uint64_t stored = 0;
  absl::StatusOr<Record> rec =
      db_->GetLatest(ReadOptions(), IdCounterKey(c.spec.name));
  std::string_view v = rec.ok() ? std::string_view(rec->value) : "";
  if (v.size() == 8) stored = DecodeFixed64(v.data());
  WriterLock l(&id_mu_);
  uint64_t& slot = last_id_[c.spec.name];  // another thread may have won
  slot = std::max(slot, stored);
  return slot;
}

std::string* DocStoreImpl::MaxDocKey(const CollectionInfo& c) {
  auto [it, inserted] = max_doc_key_.try_emplace(c.spec.name);
  if (inserted) {
    auto last =
        db_->NewIterator(ReadOptions(), ScanRange{c.doc_prefix, c.doc_end});
    last->SeekToLast();
    if (last->Valid()) {
      it->second.assign(last->key());
    } else if (!last->status().ok()) {
      it->second = c.doc_end;  // unknown: every key must be looked up
    }
  }
  return &it->second;
}

void DocStoreImpl::NoteCommitted(const std::vector<std::string>& keys) {
  ++commit_counter_;
  if (active_txns_.empty()) {
    last_commit_.clear();
    return;
  }
  for (const std::string& k : keys) last_commit_[k] = commit_counter_;
  if (last_commit_.size() >= prune_at_) {
    const uint64_t oldest = *active_txns_.begin();
    absl::erase_if(last_commit_,
                   [oldest](const auto& kv) { return kv.second <= oldest; });
    prune_at_ = std::max<size_t>(1024, 2 * last_commit_.size());
  }
}

uint64_t DocStoreImpl::BeginTxn(
    std::unique_ptr<const Snapshot>* snapshot,
    std::vector<std::shared_ptr<const CollectionInfo>>* infos) {
  // Definitions and commits change only under write_mu_, so the snapshot,
  // the infos and the counter agree.
  WriterLock wl(&write_mu_);
  *snapshot = db_->GetSnapshot();
  *infos = catalog_.List();
  active_txns_.insert(commit_counter_);
  return commit_counter_;
}

absl::Status DocStoreImpl::CheckConflicts(const std::vector<std::string>& keys,
                                          uint64_t start) const {
  for (const std::string& k : keys) {
    auto it = last_commit_.find(k);
    if (it != last_commit_.end() && it->second > start) {
      return absl::AbortedError(absl::StrFormat(
          "transaction conflict: %s was written by another commit after "
          "this transaction began",
          DescribeKey(k)));
    }
  }
  return absl::OkStatus();
}

void DocStoreImpl::EndTxn(uint64_t start) {
  WriterLock wl(&write_mu_);
  auto it = active_txns_.find(start);
  if (it != active_txns_.end()) active_txns_.erase(it);
}

absl::StatusOr<std::shared_ptr<const CollectionInfo>>
DocStoreImpl::InfoWithSnapshot(std::string_view name,
                               std::unique_ptr<const Snapshot>* snapshot) {
  ReaderLock cl(catalog_.mu());
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      catalog_.GetLocked(name);
  if (info.ok()) *snapshot = db_->GetSnapshot();
  return info;
}

}  // namespace docs
}  // namespace strata
