// DocStoreImpl: the DocumentStore of include/strata/docs.h over a DB, and
// the internal pieces its files share: document preparation (validate,
// minify, extract key, time and index values), the batch writer that
// maintains indexes and unique constraints inside one atomic WriteBatch,
// and the commit log transactions validate against.
//
// Concurrency: every write (documents, definitions, transaction commits)
// holds write_mu_, so writers are serialised per store: simple, and it
// makes read-check-write (unique indexes, insert-if-absent) correct. Reads
// take no store lock beyond a brief shared catalog lock; they read DB
// snapshots.
#ifndef STRATA_DOCS_DOC_STORE_H_
#define STRATA_DOCS_DOC_STORE_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "docs/catalog.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "util/mutex.h"

namespace strata::docs {

// A document ready to be written.
struct PreparedDoc {
  std::string json;  // minified, with a generated id if one was added
  std::string pk;    // encoded primary key
  Timestamp ts = 0;
  // Per CollectionInfo::indexes entry: sorted distinct value parts
  // (ikey(v1)..ikey(vn)) of the document's index entries.
  std::vector<std::vector<std::string>> entries;
  // The id was generated, or has the generated shape (raises the counter).
  bool id_shaped = false;
  uint64_t id = 0;
};

// Hands out generated ids; implemented by the store.
class IdSource {
 public:
  virtual ~IdSource() = default;
  virtual uint64_t NextId(const CollectionInfo& c) = 0;
  virtual void ObserveId(const CollectionInfo& c, uint64_t id) = 0;
};

// Validates and dissects documents. Not thread-safe; one per writer.
class DocPreparer {
 public:
  explicit DocPreparer(const DocumentStoreOptions& options);
  ~DocPreparer();
  DocPreparer(const DocPreparer&) = delete;
  DocPreparer& operator=(const DocPreparer&) = delete;

  // A caller's document: InvalidArgument (with a byte offset for malformed
  // JSON) if it is not a valid object within the limits, lacks a usable
  // key or time, or breaks a non-multi index. ids may be null (no ids).
  absl::Status Prepare(const CollectionInfo& c, std::string_view json,
                       IdSource* ids, PreparedDoc* out);
  // Key and entries of a stored document (trusted minified JSON). DataLoss
  // if it does not parse.
  absl::Status Reindex(const CollectionInfo& c, std::string_view stored,
                       PreparedDoc* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Extracted values -> entries of one index (schema/docs.md, "Index
// entries"). Exposed for the backfill.
absl::Status IndexEntriesOf(const IndexInfo& ix, const PathExtractor& values,
                            std::vector<std::string>* out);

class DocStoreImpl;

// Builds one atomic batch of document writes with index maintenance and
// unique checks against the committed state and earlier ops of the batch.
// REQUIRES the store's write_mu_ for its whole life. Any error leaves the
// writer unusable; drop it (nothing was written).
class BatchWriter {
 public:
  enum class Mode { kUpsert, kInsert, kUpdate };
  explicit BatchWriter(DocStoreImpl* store);
  ~BatchWriter();

  // Takes doc->entries (the rest of *doc is left as it was).
  absl::Status Put(const CollectionInfo& c, PreparedDoc* doc, Mode mode,
                   int64_t ttl_ns);
  // NotFound if the document does not exist and must_exist.
  absl::Status Delete(const CollectionInfo& c, std::string_view pk,
                      bool must_exist);
  // Writes the batch and records the keys for transaction validation.
  absl::Status Commit(bool sync);

 private:
  struct Current {
    bool exists = false;
    Timestamp ts = 0;
    std::vector<std::vector<std::string>> entries;
  };
  absl::Status Load(const CollectionInfo& c, const std::string& key,
                    Current* out);
  absl::Status CheckUnique(const CollectionInfo& c, const IndexInfo& ix,
                           size_t ix_pos, const std::string& values,
                           std::string_view pk);
  Iterator* IndexIterator(const CollectionInfo& c);

  DocStoreImpl* const store_;
  WriteBatch batch_;
  absl::flat_hash_map<std::string, Current> pending_;  // by document key
  // Unique index prefix + values -> pk owning it after the batch so far.
  absl::flat_hash_map<std::string, std::string> owner_;
  std::map<std::string, std::unique_ptr<Iterator>> index_iters_;
  std::map<std::string, const CollectionInfo*> id_colls_;
  std::vector<std::string> written_;  // document keys
};

class DocStoreImpl final : public DocumentStore, public IdSource {
 public:
  DocStoreImpl(DB* db, const DocumentStoreOptions& options);
  ~DocStoreImpl() override;
  absl::Status Init();

  absl::Status CreateCollection(const CollectionSpec& spec) override;
  absl::Status CreateCollectionFromJson(std::string_view json) override;
  absl::Status DropCollection(std::string_view name) override;
  absl::StatusOr<std::vector<CollectionSpec>> ListCollections() override;
  absl::Status CreateIndex(std::string_view collection,
                           const IndexSpec& spec) override;
  absl::Status DropIndex(std::string_view collection,
                         std::string_view name) override;
  absl::StatusOr<std::vector<IndexSpec>> ListIndexes(
      std::string_view collection) override;

  absl::StatusOr<std::string> Insert(std::string_view collection,
                                     std::string_view json,
                                     const DocWriteOptions& options) override;
  absl::StatusOr<std::string> Put(std::string_view collection,
                                  std::string_view json,
                                  const DocWriteOptions& options) override;
  absl::Status PutMany(std::string_view collection,
                       const std::vector<std::string>& docs, bool insert_only,
                       const DocWriteOptions& options) override;
  absl::StatusOr<std::string> Get(std::string_view collection,
                                  std::string_view key_json) override;
  absl::Status Delete(std::string_view collection,
                      std::string_view key_json) override;
  absl::StatusOr<std::string> Patch(std::string_view collection,
                                    std::string_view key_json,
                                    std::string_view merge_patch) override;

  absl::StatusOr<std::unique_ptr<DocCursor>> Find(
      std::string_view collection, const FindRequest& request) override;
  absl::StatusOr<std::string> Explain(std::string_view collection,
                                      const FindRequest& request) override;
  absl::StatusOr<uint64_t> Count(std::string_view collection,
                                 const FindRequest& request) override;
  absl::StatusOr<std::unique_ptr<DocCursor>> Scan(
      std::string_view collection, std::string_view index,
      const KeyRange& range) override;
  absl::StatusOr<std::vector<std::string>> Keys(std::string_view collection,
                                                std::string_view index,
                                                const KeyRange& range) override;

  std::unique_ptr<DocTransaction> Begin() override;

  // IdSource.
  uint64_t NextId(const CollectionInfo& c) override;
  void ObserveId(const CollectionInfo& c, uint64_t id) override;
  // The current high-water id of c (for the counter record).
  uint64_t LastId(const CollectionInfo& c);

  // Internals shared with the writer, cursors and transactions.
  DB* db() const { return db_; }
  Env* env() const { return env_; }
  const DocumentStoreOptions& options() const { return options_; }
  Catalog& catalog() { return catalog_; }
  SharedMutex* write_mu() ABSL_LOCK_RETURNED(write_mu_) { return &write_mu_; }
  DocPreparer* write_preparer() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    return &preparer_;
  }
  // An upper bound of the document keys of c (empty: no documents): a
  // key above it cannot exist, so inserts of increasing keys (generated
  // ids, time-ordered ids) skip the read of the old document. Writers
  // raise it before they write; it is computed lazily from the DB.
  std::string* MaxDocKey(const CollectionInfo& c)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // After a successful write of keys: bumps the commit counter and, while
  // transactions are active, remembers the keys' commit number.
  void NoteCommitted(const std::vector<std::string>& keys)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Transactions: begin (returns the start number; the snapshot and the
  // collection infos are taken atomically with it), the conflict check,
  // and end.
  uint64_t BeginTxn(std::unique_ptr<const Snapshot>* snapshot,
                    std::vector<std::shared_ptr<const CollectionInfo>>* infos)
      ABSL_LOCKS_EXCLUDED(write_mu_);
  absl::Status CheckConflicts(const std::vector<std::string>& keys,
                              uint64_t start) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void EndTxn(uint64_t start) ABSL_LOCKS_EXCLUDED(write_mu_);
  // A collection's info and a snapshot consistent with it.
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> InfoWithSnapshot(
      std::string_view name, std::unique_ptr<const Snapshot>* snapshot);

 private:
  // The ttl_ns a patch writes with to keep old's expiry (doc_store.cc).
  int64_t KeptTtl(const CollectionInfo& c, const Record& old) const;
  absl::StatusOr<std::string> PutOne(std::string_view collection,
                                     std::string_view json,
                                     BatchWriter::Mode mode,
                                     const DocWriteOptions& options);
  absl::Status CreateWithIndexes(const CollectionSpec& spec,
                                 const std::vector<IndexSpec>& indexes);
  // Writes the entries of a new index for every document, in bounded
  // batches, then checks uniqueness.
  absl::Status Backfill(const CollectionInfo& c, const IndexInfo& ix)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status RemoveIndexData(const CollectionInfo& c, const IndexSpec& spec)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  DB* const db_;
  const DocumentStoreOptions options_;
  Env* const env_;
  Catalog catalog_;

  SharedMutex write_mu_;  // acquired before the catalog's mutex
  DocPreparer preparer_ ABSL_GUARDED_BY(write_mu_);
  uint64_t commit_counter_ ABSL_GUARDED_BY(write_mu_) = 0;
  std::multiset<uint64_t> active_txns_ ABSL_GUARDED_BY(write_mu_);
  absl::flat_hash_map<std::string, uint64_t> last_commit_
      ABSL_GUARDED_BY(write_mu_);
  size_t prune_at_ ABSL_GUARDED_BY(write_mu_) = 1024;
  absl::flat_hash_map<std::string, std::string> max_doc_key_
      ABSL_GUARDED_BY(write_mu_);

  SharedMutex id_mu_;
  absl::flat_hash_map<std::string, uint64_t> last_id_ ABSL_GUARDED_BY(id_mu_);
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_DOC_STORE_H_
