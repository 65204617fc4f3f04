// A deterministic TSBS-style "devops" metrics generator: N hosts, each with
// the TSBS tag set, reporting cpu (10 fields), mem (9) and disk (7) every
// interval as InfluxDB line protocol. Values follow the shapes real agents
// report (a daily load cycle, slow drifts, bursts, counters that only grow,
// fractions that add up), not uniform noise, so compression and aggregate
// figures are representative. Same config and seed, same bytes.
#ifndef STRATA_BENCH_TSBS_GEN_H_
#define STRATA_BENCH_TSBS_GEN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/random.h"

namespace strata::bench {

// 2023-11-14T22:13:20Z: every generated timestamp starts here.
inline constexpr int64_t kBenchEpoch = 1'700'000'000'000'000'000;
inline constexpr int64_t kSecond = 1'000'000'000;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

struct DevopsConfig {
  int hosts = 100;
  int64_t start_ns = kBenchEpoch;
  int64_t interval_ns = 10 * kSecond;
  bool cpu = true;
  bool mem = false;
  bool disk = false;
  uint64_t seed = 1;
};

class DevopsGenerator {
 public:
  explicit DevopsGenerator(const DevopsConfig& config);

  // Appends the lines of the next time step for hosts [first, last) and
  // returns how many lines were appended. Every host must be generated
  // once per step, in order, before the next step (the value walks are
  // per host and stateful); NextStep() advances the clock.
  int AppendHosts(int first, int last, std::string* out);
  void NextStep() { step_++; }
  int64_t step() const { return step_; }
  int64_t time_ns() const {
    return config_.start_ns + step_ * config_.interval_ns;
  }

  // Field values per host per step (over the enabled measurements).
  int values_per_host() const;
  int lines_per_host() const;
  const DevopsConfig& config() const { return config_; }

  static const std::vector<std::string>& CpuFields();
  static std::string HostName(int host);

 private:
  struct Host {
    std::string tags;  // ",hostname=...,region=..." in TSBS order
    double base_load;  // mean busy share, 0..1
    double phase;      // daily cycle offset, radians
    double load;       // current busy share (AR(1) around the cycle)
    double burst;      // remaining burst boost, decays
    double split[9];   // how busy time divides among the non-idle fields
    int64_t mem_total;
    double mem_used;  // share of total
    int64_t disk_total, disk_used, inodes_total, inodes_used;
  };
  void AppendCpu(Host& h, std::string* out);
  void AppendMem(Host& h, std::string* out);
  void AppendDisk(Host& h, std::string* out);

  DevopsConfig config_;
  Random rnd_;
  std::vector<Host> hosts_;
  int64_t step_ = 0;
};

// The whole data set as line-protocol batches of about batch_lines lines
// (whole host groups of one time step), generated up front so ingest
// timing measures the store, not the generator.
struct DevopsBatches {
  std::vector<std::string> batches;
  uint64_t lines = 0;
  uint64_t values = 0;
  uint64_t bytes = 0;
};
DevopsBatches GenerateDevops(const DevopsConfig& config, int64_t steps,
                             int batch_lines);

}  // namespace strata::bench

#endif  // STRATA_BENCH_TSBS_GEN_H_
