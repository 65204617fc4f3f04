// A document store as the docs workload sees it: batches of JSON telemetry
// events in; equality and window lookups on an index over "device" (and
// "ts"); an unindexed filter scan. Implemented by Strata's DocumentStore
// and by SQLite with JSON1 and generated-column indexes.
#ifndef STRATA_BENCH_DOC_ENGINE_H_
#define STRATA_BENCH_DOC_ENGINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::bench {

// Documents returned and their JSON bytes, for cross-checking engines.
struct DocAnswer {
  int64_t docs = 0;
  int64_t bytes = 0;
};

// The unindexed filter: {"kind": "alert", "metrics.rssi": {"$lt": -70}}.
inline constexpr char kScanFilterJson[] =
    R"({"kind":"alert","metrics.rssi":{"$lt":-70}})";

class DocEngine {
 public:
  virtual ~DocEngine() = default;
  virtual std::string name() const = 0;
  virtual std::string config() const = 0;
  // Creates the "events" collection (key "id", time "ts" in ms) and its
  // index on "device" (SQLite: on (device, ts)).
  virtual absl::Status Open(const std::string& dir) = 0;
  // Inserts one batch atomically; a duplicate id fails it.
  virtual absl::Status InsertBatch(const std::vector<std::string>& docs) = 0;
  virtual absl::Status Settle() = 0;
  // Every event of the device.
  virtual absl::StatusOr<DocAnswer> FindDevice(std::string_view device) = 0;
  // The device's events with from_ms <= ts < to_ms.
  virtual absl::StatusOr<DocAnswer> FindDeviceWindow(std::string_view device,
                                                     int64_t from_ms,
                                                     int64_t to_ms) = 0;
  // The events matching kScanFilterJson, by scanning every document.
  virtual absl::StatusOr<DocAnswer> ScanFilter() = 0;
  // How the engine runs FindDevice (its own query plan text), so a slow
  // lookup can be told from a missing index.
  virtual absl::StatusOr<std::string> ExplainFindDevice(
      std::string_view device) = 0;
  virtual void Close() = 0;
};

// Strata's DocumentStore, or nullptr when this build has no document layer
// (*why says so). With covering, the device index holds the documents (on
// SQLite: an index on (device, ts, doc)).
std::unique_ptr<DocEngine> NewStrataDocEngine(std::string* why,
                                              bool covering = false);
std::unique_ptr<DocEngine> NewSqliteDocEngine(bool covering = false);

}  // namespace strata::bench

#endif  // STRATA_BENCH_DOC_ENGINE_H_
