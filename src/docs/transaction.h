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
// Not detected: phantoms (documents inserted by others that a Find would
// now match) and writes to the DB that bypass the store. A transaction is
// used by one thread; its cursors must not outlive it.
#ifndef STRATA_DOCS_TRANSACTION_H_
#define STRATA_DOCS_TRANSACTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "docs/doc_store.h"
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
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_TRANSACTION_H_
