// The catalog: collection and index definitions, their JSON forms
// (schema/collection.schema.json, stored as in schema/docs.md), and an
// in-memory cache of immutable CollectionInfo snapshots that readers take
// without blocking writers. Definitions change only under the store's
// writer lock; the cache is swapped under its own mutex.
#ifndef STRATA_DOCS_CATALOG_H_
#define STRATA_DOCS_CATALOG_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "docs/json_path.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "util/mutex.h"

namespace strata::docs {

inline constexpr int kDocsFormatVersion = 1;
inline constexpr size_t kMaxIndexesPerCollection = 64;
inline constexpr size_t kMaxIndexPaths = 16;
inline constexpr size_t kMaxNameBytes = 255;

struct IndexInfo {
  IndexSpec spec;
  std::string prefix;      // 0x22 comp(coll) comp(name)
  std::vector<int> slots;  // CollectionInfo::paths slot of each path
};

// Everything the store needs about one collection, immutable once built.
struct CollectionInfo {
  CollectionSpec spec;
  std::string def_key;             // 0x20 comp(name)
  std::string doc_prefix;          // 0x21 comp(name)
  std::string doc_end;             // PrefixEnd(doc_prefix)
  std::string index_base;          // 0x22 comp(name)
  std::string meta_prefix;         // 0x23 comp(name)
  std::vector<IndexInfo> indexes;  // ready indexes only
  // Paths extracted from each written document: slot 0 the key, then the
  // time field (if any), then every distinct index path.
  std::vector<JsonPath> paths;
  int time_slot = -1;
  // The key member generated ids are written to (auto_id only).
  std::string id_member;

  const IndexInfo* FindIndex(std::string_view name) const;
};

// Validates and normalizes (defaults filled in) a definition.
absl::Status NormalizeCollectionSpec(CollectionSpec* spec);
absl::Status ValidateIndexSpec(const IndexSpec& spec);

// Builds the info for spec with indexes (both already validated).
absl::StatusOr<std::shared_ptr<const CollectionInfo>> BuildCollectionInfo(
    const CollectionSpec& spec, const std::vector<IndexSpec>& indexes);

// The JSON definition accepted by CreateCollectionFromJson.
absl::Status ParseCollectionJson(std::string_view json, CollectionSpec* spec,
                                 std::vector<IndexSpec>* indexes);
// "7d", "1h30m", "500ms" or a plain integer of ns.
absl::StatusOr<int64_t> ParseTtl(std::string_view text);

// Stored forms (schema/docs.md).
std::string CollectionDefJson(const CollectionSpec& spec);
// Always records the current index key encoding (kIndexKeyVersion).
std::string IndexDefJson(const IndexSpec& spec, bool ready);
absl::StatusOr<CollectionSpec> DecodeCollectionDef(std::string_view value);
// *key_version (if given) is the encoding the index's entries use; 1 when
// the definition predates the member. A newer one is FailedPrecondition.
absl::StatusOr<IndexSpec> DecodeIndexDef(std::string_view value, bool* ready,
                                         int* key_version = nullptr);

// Adds to *out the rewrite of index spec of collection coll from key
// version 1 or 2 into the current encoding (schema/index-key.md, "Versions
// and old data"): boolean tags of version 1 move, and entries with a null
// component are re-derived from their documents (null also stood for a
// path ending at an empty array). Idempotent. Used by Load.
absl::Status ConvertIndex(DB* db, std::string_view coll, const IndexSpec& spec,
                          WriteBatch* out);

class Catalog {
 public:
  // Reads every definition. Indexes left "building" by a crash are
  // removed through *cleanup (their entries and definitions); ready
  // indexes built with an older key encoding are converted through
  // *cleanup (entries rewritten, definition marked current), so the
  // caller must write *cleanup before serving queries.
  absl::Status Load(DB* db, WriteBatch* cleanup);

  // The current info of a collection, or NotFound naming it.
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> Get(
      std::string_view name) const ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::shared_ptr<const CollectionInfo>> List() const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Held shared by readers taking (info, DB snapshot) pairs and
  // exclusively by definition changes while they write and install, so
  // a reader never pairs an info with a snapshot of another version.
  SharedMutex* mu() const ABSL_LOCK_RETURNED(mu_) { return &mu_; }
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> GetLocked(
      std::string_view name) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void Install(std::shared_ptr<const CollectionInfo> info)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Remove(std::string_view name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

 private:
  mutable SharedMutex mu_;
  std::map<std::string, std::shared_ptr<const CollectionInfo>, std::less<>>
      collections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::docs

#endif  // STRATA_DOCS_CATALOG_H_
