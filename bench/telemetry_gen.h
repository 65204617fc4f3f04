// A deterministic generator of telemetry event documents: IoT devices
// reporting readings, heartbeats and alerts as JSON of ~200-300 bytes with
// a string id, a device id, a millisecond timestamp, nested objects and
// arrays. Events arrive in time order from devices picked at random (some
// devices are chattier than others). Same config and seed, same bytes.
#ifndef STRATA_BENCH_TELEMETRY_GEN_H_
#define STRATA_BENCH_TELEMETRY_GEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tsbs_gen.h"
#include "util/random.h"

namespace strata::bench {

struct TelemetryConfig {
  int devices = 1000;
  int64_t start_ns = kBenchEpoch;
  // Mean time between two events (of any device).
  int64_t mean_gap_ns = 100'000'000;  // 100 ms
  uint64_t seed = 7;
};

// Document shape:
// {"id":"e000000042","device":"dev-00017","ts":1700000004200,
//  "kind":"reading","fw":"2.3.1",
//  "site":{"region":"eu-west","building":"b04","floor":3},
//  "metrics":{"temp":21.37,"hum":48.2,"battery":87,"rssi":-67},
//  "tags":["indoor","floor-3"],"status":"ok","errors":[]}
// kind: reading (90%), heartbeat (7%, no "metrics" hum), alert (3%, with
// errors [{"code":"E17","sev":2}] and status warn/error).
class TelemetryGenerator {
 public:
  explicit TelemetryGenerator(const TelemetryConfig& config);
  // Appends the next event's JSON (no trailing newline); returns its ts in
  // ms.
  int64_t Next(std::string* out);
  static std::string DeviceId(int device);
  int64_t events() const { return seq_; }

 private:
  struct Device {
    std::string id;
    std::string fw;
    std::string site;  // the "site" object, preformatted
    std::string tags;  // the "tags" array, preformatted
    double temp, hum;
    int battery, rssi;
  };
  TelemetryConfig config_;
  Random rnd_;
  std::vector<Device> devices_;
  int64_t seq_ = 0;
  int64_t now_ns_;
};

struct TelemetryDocs {
  std::vector<std::string> docs;
  uint64_t bytes = 0;
  int64_t first_ms = 0, last_ms = 0;
};
TelemetryDocs GenerateTelemetry(const TelemetryConfig& config, int64_t count);

}  // namespace strata::bench

#endif  // STRATA_BENCH_TELEMETRY_GEN_H_
