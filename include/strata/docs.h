// DocumentStore: the JSON document layer over a DB. Collections of JSON
// documents with a primary key (a path, or generated time-ordered ids), an
// optional time field used as the record timestamp, TTLs, secondary indexes
// on JSON paths, Mongo-style filters, IndexedDB-style key ranges, and
// optimistic snapshot-isolated transactions.
//
// Storage layout: schema/docs.md. Request and definition JSON: schema/*.json.
#ifndef STRATA_DOCS_H_
#define STRATA_DOCS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/db.h"

namespace strata {

struct DocumentStoreOptions {
  // Clock for TTLs and generated ids; nullptr = Env::Default().
  Env* env = nullptr;
  size_t max_document_bytes = 16 << 20;  // [1 KiB, 64 MiB]
  int max_nesting_depth = 128;           // [1, 1024]
  // Rows an unindexed sort may buffer before failing with
  // ResourceExhausted.
  size_t max_sort_rows = 1'000'000;
};

// A collection definition, the JSON of schema/collection.schema.json:
// {"name": "events", "key": "id" | "auto_id": true, "time": {"path":
//  "ts", "unit": "rfc3339"|"s"|"ms"|"us"|"ns"}, "ttl": "7d"}
struct CollectionSpec {
  std::string name;
  std::string key_path;   // dotted; empty with auto_id
  bool auto_id = false;   // ids generated: monotonic, time-ordered
  std::string time_path;  // empty = no time field (ts 0)
  std::string time_unit = "rfc3339";
  int64_t default_ttl_ns = 0;  // 0 = none; from doc time if any, else write
};

struct IndexSpec {
  std::string name;
  std::vector<std::string> paths;  // compound when several
  bool unique = false;
  bool multi = false;   // one entry per array element
  bool sparse = false;  // documents missing the paths are not indexed
  // Entries hold a copy of the document, so index plans need no document
  // reads (one body copy per entry on disk; schema/docs.md).
  bool covering = false;
};

struct DocWriteOptions {
  int64_t ttl_ns = 0;  // 0 = the collection default
  bool sync = false;
};

// A find request, the JSON of schema/query.schema.json.
struct FindRequest {
  std::string filter = "{}";  // Mongo-style filter document
  std::string projection;     // {"a": 1, "b.c": 1} or {"x": 0}; empty
  // {"ts": -1, "name": 1}; empty = no promised order (scans return key
  // order, index plans index order).
  std::string sort;
  uint64_t skip = 0;
  uint64_t limit = 0;           // 0 = no limit
  std::optional<int64_t> from;  // time window on the time field, ns,
  std::optional<int64_t> to;    // [from, to)
};

// An IndexedDB-style key range over primary keys or index keys. Bounds are
// JSON values (a JSON array for compound index keys); empty = open. Over a
// multi-entry index a document appears once per entry in the range.
struct KeyRange {
  std::string lower;
  std::string upper;
  bool lower_open = false;
  bool upper_open = false;
  bool reverse = false;
  uint64_t limit = 0;
};

// Streams results; Next() returns false at the end or on error.
class DocCursor {
 public:
  virtual ~DocCursor() = default;
  virtual bool Next() = 0;
  virtual std::string_view key() const = 0;       // primary key as JSON
  virtual std::string_view document() const = 0;  // minified JSON
  virtual absl::Status status() const = 0;
};

class DocTransaction;

// One DocumentStore per DB: it serialises its writers and caches the
// definitions, so writes to its keys must go through it. Cursors and
// transactions must not outlive it. Thread-safe.
class DocumentStore {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DocumentStore>> Open(
      DB* db, const DocumentStoreOptions& options = {});
  virtual ~DocumentStore() = default;

  // Collections.
  [[nodiscard]] virtual absl::Status CreateCollection(
      const CollectionSpec& spec) = 0;
  // From a JSON definition (schema/collection.schema.json).
  [[nodiscard]] virtual absl::Status CreateCollectionFromJson(
      std::string_view json) = 0;
  [[nodiscard]] virtual absl::Status DropCollection(std::string_view name) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<CollectionSpec>>
  ListCollections() = 0;

  // Secondary indexes (created with a backfill; dropped cleanly).
  [[nodiscard]] virtual absl::Status CreateIndex(std::string_view collection,
                                                 const IndexSpec& spec) = 0;
  [[nodiscard]] virtual absl::Status DropIndex(std::string_view collection,
                                               std::string_view name) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<IndexSpec>> ListIndexes(
      std::string_view collection) = 0;

  // Documents. Keys are JSON values (strings or numbers).
  // Insert fails with AlreadyExists if the key exists; returns the key.
  [[nodiscard]] virtual absl::StatusOr<std::string> Insert(
      std::string_view collection, std::string_view json,
      const DocWriteOptions& options = {}) = 0;
  // Upsert; returns the key.
  [[nodiscard]] virtual absl::StatusOr<std::string> Put(
      std::string_view collection, std::string_view json,
      const DocWriteOptions& options = {}) = 0;
  // Inserts or upserts many documents atomically (all or nothing).
  [[nodiscard]] virtual absl::Status PutMany(
      std::string_view collection, const std::vector<std::string>& docs,
      bool insert_only, const DocWriteOptions& options = {}) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::string> Get(
      std::string_view collection, std::string_view key_json) = 0;
  [[nodiscard]] virtual absl::Status Delete(std::string_view collection,
                                            std::string_view key_json) = 0;
  // RFC 7396 JSON Merge Patch; returns the new document.
  [[nodiscard]] virtual absl::StatusOr<std::string> Patch(
      std::string_view collection, std::string_view key_json,
      std::string_view merge_patch) = 0;

  // Queries.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<DocCursor>> Find(
      std::string_view collection, const FindRequest& request) = 0;
  // How Find would run: index used, documents and blocks read and skipped
  // (runs the query), as JSON.
  [[nodiscard]] virtual absl::StatusOr<std::string> Explain(
      std::string_view collection, const FindRequest& request) = 0;
  [[nodiscard]] virtual absl::StatusOr<uint64_t> Count(
      std::string_view collection, const FindRequest& request) = 0;
  // Key-range reads over primary keys (index empty) or an index.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<DocCursor>> Scan(
      std::string_view collection, std::string_view index,
      const KeyRange& range) = 0;
  // Primary keys only, without loading bodies.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> Keys(
      std::string_view collection, std::string_view index,
      const KeyRange& range) = 0;

  // A read-write transaction with snapshot isolation (optimistic).
  [[nodiscard]] virtual std::unique_ptr<DocTransaction> Begin() = 0;
};

// Used by one thread at a time. Reads see the snapshot taken by Begin plus
// the transaction's own writes. A transaction that wrote and ran a Find
// aborts at Commit if another commit since Begin inserted, deleted or
// changed a document matching that Find's filter and window (phantoms),
// whether or not its cursor reached that document.
class DocTransaction {
 public:
  virtual ~DocTransaction() = default;
  [[nodiscard]] virtual absl::StatusOr<std::string> Get(
      std::string_view collection, std::string_view key_json) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::string> Put(
      std::string_view collection, std::string_view json) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::string> Insert(
      std::string_view collection, std::string_view json) = 0;
  [[nodiscard]] virtual absl::Status Delete(std::string_view collection,
                                            std::string_view key_json) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<DocCursor>> Find(
      std::string_view collection, const FindRequest& request) = 0;
  // Aborted if another commit wrote a key this one read or wrote, or a
  // document one of its Finds matches (at Begin or now), since it began;
  // then nothing of it is applied.
  [[nodiscard]] virtual absl::Status Commit(bool sync = false) = 0;
  virtual void Rollback() = 0;
};

}  // namespace strata

#endif  // STRATA_DOCS_H_
