// Optimistic snapshot-isolated transactions over a DocStoreImpl.
//
// Begin takes a DB snapshot, the collection definitions of that moment
// and the store's commit number. Reads see the snapshot plus the
// transaction's own writes and add the keys they read (including keys
// found absent, and every document a Find yields) to the read set. Writes
// are validated when made (JSON, key, Insert's absence) and buffered.
// Commit, under the store's writer lock, aborts if any key of the read or
// write set was committed through the store after Begin (so write skew
// over keys is detected), then applies every write, with index
// maintenance and unique checks against the current state, as one batch.
//
// Phantoms: each Find's predicate (filter and time window; not sort,
// skip, limit or projection) is kept. A committing transaction with
// writes re-runs each predicate twice: at its snapshot (before taking the
// lock) and at the current state (under the lock, so no commit can slip
// in between). A document key in either result that another commit wrote
// after Begin aborts the commit: that covers documents inserted into,
// deleted from, updated into and updated out of the Find's result, even
// ones the caller never read from the cursor (conservative). Writes to
// documents that match neither time do not conflict. Cost: two reads of
// the Find's plan per Find at commit; the current-state one holds the
// writer lock. Read-only transactions commit without checks (their reads
// are one snapshot). Not detected: writes to the DB that bypass the
// store. A transaction is used by one thread; its cursors must not
// outlive it.
#ifndef STRATA_DOCS_TRANSACTION_H_
#define STRATA_DOCS_TRANSACTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "docs/doc_store.h"
#include "docs/filter.h"
#include "strata/docs.h"

namespace strata::docs {

class DocTxnImpl final : public DocTransaction {
 public:
  explicit DocTxnImpl(DocStoreImpl* store);
  ~DocTxnImpl() override;

  absl::StatusOr<std::string> Get(std::string_view collection,
                                  std::string_view key_json) override;
  absl::StatusOr<std::string> Put(std::string_view collection,
                                  std::string_view json) override;
  absl::StatusOr<std::string> Insert(std::string_view collection,
                                     std::string_view json) override;
  absl::Status Delete(std::string_view collection,
                      std::string_view key_json) override;
  absl::StatusOr<std::unique_ptr<DocCursor>> Find(
      std::string_view collection, const FindRequest& request) override;
  absl::Status Commit(bool sync) override;
  void Rollback() override;

 private:
  struct Op {
    std::string collection;
    std::string pk;
    bool is_delete = false;
    bool insert = false;
    std::string json;
  };
  // A Find's predicate, re-run at commit to detect phantoms.
  struct ReadQuery {
    std::string collection;
    Filter filter;
    bool match_all = true;
    Timestamp t0 = kMinTimestamp;
    Timestamp t1 = kMaxTimestamp;
  };
  // The transaction's view of one document key.
  struct Own {
    bool exists = false;
    std::string json;
    Timestamp ts = 0;
  };

  absl::Status CheckOpen() const;
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> Info(
      std::string_view collection);
  // Whether key exists in the transaction's view (own writes, snapshot).
  absl::StatusOr<bool> Exists(const std::string& key);
  absl::StatusOr<std::string> Write(std::string_view collection,
                                    std::string_view json, bool insert);
  void Finish();
  // Document keys the kept Find predicates match at the snapshot.
  absl::Status SnapshotQueryKeys(absl::flat_hash_set<std::string>* keys);
  // Aborted if a document the predicates match now was written by another
  // commit since Begin. REQUIRES the store's writer lock.
  absl::Status CheckCurrentQueries();

  DocStoreImpl* const store_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::vector<std::shared_ptr<const CollectionInfo>> infos_;
  uint64_t start_ = 0;
  bool open_ = true;
  std::unique_ptr<DocPreparer> preparer_;  // made by the first write
  std::vector<Op> ops_;
  absl::flat_hash_map<std::string, Own> own_;  // by document key
  // Shared with Find cursors, which add the documents they yield.
  std::shared_ptr<absl::flat_hash_set<std::string>> read_set_;
  std::vector<ReadQuery> queries_;
  absl::flat_hash_set<std::string> query_ids_;  // collection|filter|window
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_TRANSACTION_H_
