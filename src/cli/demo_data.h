// Data generators for `strata demo`: a devops metrics workload as line
// protocol (cpu, mem, disk random walks for a fleet of hosts) and a stream
// of incident documents as JSON. Deterministic for a given seed and end
// time; pure string building, no I/O and no DB calls.
#ifndef STRATA_CLI_DEMO_DATA_H_
#define STRATA_CLI_DEMO_DATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/random.h"

namespace strata::cli {

inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kNanosPerHour = 3600 * kNanosPerSecond;

// "host-07" (two digits up to 99 hosts, three beyond).
std::string DemoHostName(int index, int hosts);
// The region a host lives in (a fixed function of its index).
const char* DemoRegion(int index);
// RFC 3339 UTC with milliseconds: "2024-06-01T12:34:56.789Z".
std::string FormatRfc3339Millis(int64_t ns);

struct MetricsSpec {
  int hosts = 50;
  // Last timestamp written; points go back from here every interval_ns.
  int64_t end_ns = 0;
  int64_t interval_ns = 10 * kNanosPerSecond;
  int64_t span_ns = 24 * kNanosPerHour;
  // Only the cpu measurement (the retention demo's late arrivals).
  bool cpu_only = false;
  uint64_t seed = 42;
};

// Produces the workload in time order: at each timestamp one cpu line (4
// fields), one mem line (3) and one disk line (3) per host, so 10 values
// per host and step. Values are random walks around a per-host baseline
// with a daily cycle, printed with 2 decimals.
class MetricsGenerator {
 public:
  explicit MetricsGenerator(const MetricsSpec& spec);

  // Appends whole timestamps worth of lines (about max_lines, at least one
  // timestamp) to *out. Returns false, appending nothing, when done.
  bool NextChunk(size_t max_lines, std::string* out);

  int64_t steps() const { return steps_; }
  int64_t first_ns() const { return first_ns_; }
  uint64_t total_lines() const { return steps_ * lines_per_step(); }
  uint64_t total_values() const { return steps_ * values_per_step(); }
  uint64_t lines_done() const { return step_ * lines_per_step(); }
  uint64_t values_done() const { return step_ * values_per_step(); }

 private:
  struct Host {
    std::string cpu_prefix, mem_prefix, disk_prefix;  // "cpu,host=..,.. "
    double cpu_base;                                  // typical usage_user
    double user, system, iowait;
    double mem_pct;
    int64_t mem_total;
    double disk_pct;
    double read_mbps, write_mbps;
  };
  uint64_t lines_per_step() const {
    return hosts_.size() * (cpu_only_ ? 1 : 3);
  }
  uint64_t values_per_step() const {
    return hosts_.size() * (cpu_only_ ? 4 : 10);
  }
  void AppendStep(int64_t ts, std::string* out);

  std::vector<Host> hosts_;
  Random rnd_;
  bool cpu_only_;
  int64_t interval_ns_;
  int64_t first_ns_;
  int64_t steps_;
  int64_t step_ = 0;
};

struct IncidentSpec {
  int count = 20'000;
  int hosts = 50;
  int64_t start_ns = 0;  // incidents fall in [start_ns, end_ns)
  int64_t end_ns = 0;
  uint64_t seed = 7;
};

// Incident documents in time order:
//   {"id":"inc-000123","ts":"<RFC 3339>","host":"host-07",
//    "severity":"info"|"warning"|"critical","service":"db",
//    "message":"...","tags":[...],"metrics":{...}}
// About 70% info, 25% warning, 5% critical; a few hosts are noisier.
class IncidentGenerator {
 public:
  explicit IncidentGenerator(const IncidentSpec& spec);
  // Appends up to n documents to *docs; returns how many it appended.
  size_t Next(size_t n, std::vector<std::string>* docs);
  size_t total() const { return times_.size(); }
  // How many of the documents made so far have this severity and a time in
  // [from, to): the ground truth the demo checks its queries against.
  uint64_t CountMade(std::string_view severity, int64_t from, int64_t to) const;

 private:
  std::string Make(size_t i);

  IncidentSpec spec_;
  Random rnd_;
  std::vector<int64_t> times_;           // sorted
  std::vector<const char*> severities_;  // of the documents made so far
  size_t next_ = 0;
};

}  // namespace strata::cli

#endif  // STRATA_CLI_DEMO_DATA_H_
