// The TSBS devops day shared by the ingest and queries workloads: ingest
// loads it into every time-series engine and leaves them open, so queries
// run on exactly what was ingested (or loads it itself, untimed, when run
// alone).
#ifndef STRATA_BENCH_TS_FIXTURE_H_
#define STRATA_BENCH_TS_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ts_engine.h"
#include "tsbs_gen.h"
#include "workloads.h"

namespace strata::bench {

struct DevopsDay {
  DevopsConfig config;  // 100 hosts, cpu, 10 s
  int64_t steps = 0;    // 6 h at scale 1, one day at scale 4
  int64_t t_begin = 0, t_end = 0;
  uint64_t values = 0;
  // Open and loaded; engines[0] is Strata.
  std::vector<std::unique_ptr<TsEngine>> engines;
};

DevopsDay& SharedDevopsDay();

// The data set at cfg.scale (engines empty).
DevopsDay DevopsDayFor(const BenchConfig& cfg);

// Strata first, then RocksDB, LevelDB (if with_leveldb) and SQLite. Empty,
// with *why set, when this build has no time-series layer.
std::vector<std::unique_ptr<TsEngine>> NewTsEngines(bool with_leveldb,
                                                    std::string* why);

// Loads the shared devops day (untimed) unless ingest already did.
// *why is set and the engines left empty when Strata's layer is missing.
absl::Status EnsureDevopsDay(const BenchConfig& cfg, std::string* why);

// A new, unopened engine of the same kind as one NewTsEngines made.
std::unique_ptr<TsEngine> NewTsEngineNamed(const std::string& name);

// Lower-case engine name for directory names.
std::string DirName(const std::string& engine);

}  // namespace strata::bench

#endif  // STRATA_BENCH_TS_FIXTURE_H_
