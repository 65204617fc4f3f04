// The shared devops day and the time-series engine list.
#include "ts_fixture.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "absl/strings/str_format.h"
#include "workload_util.h"

namespace strata::bench {

DevopsDay& SharedDevopsDay() {
  static DevopsDay* day = new DevopsDay();
  return *day;
}

DevopsDay DevopsDayFor(const BenchConfig& cfg) {
  DevopsDay d;
  d.config.hosts = 100;
  d.config.cpu = true;
  // 6 h at scale 1 keeps the default run under 10 minutes with four
  // engines; --scale=4 is the full day of issue 4.
  d.steps = std::max<int64_t>(30, std::llround(2160 * cfg.scale));
  d.t_begin = d.config.start_ns;
  d.t_end = d.t_begin + d.steps * d.config.interval_ns;
  d.values = static_cast<uint64_t>(d.steps) * d.config.hosts * 10;
  return d;
}

std::vector<std::unique_ptr<TsEngine>> NewTsEngines(bool with_leveldb,
                                                    std::string* why) {
  std::vector<std::unique_ptr<TsEngine>> out;
  auto strata = NewStrataTsEngine(why);
  if (strata == nullptr) return out;
  out.push_back(std::move(strata));
  out.push_back(NewRocksDbTsEngine());
  if (with_leveldb) out.push_back(NewLevelDbTsEngine());
  out.push_back(NewSqliteTsEngine());
  return out;
}

std::unique_ptr<TsEngine> NewTsEngineNamed(const std::string& name) {
  std::string ignored;
  if (name == "Strata") return NewStrataTsEngine(&ignored);
  if (name == "RocksDB") return NewRocksDbTsEngine();
  if (name == "LevelDB") return NewLevelDbTsEngine();
  return NewSqliteTsEngine();
}

std::string DirName(const std::string& engine) {
  std::string s = engine;
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

absl::Status EnsureDevopsDay(const BenchConfig& cfg, std::string* why) {
  DevopsDay& day = SharedDevopsDay();
  if (!day.engines.empty()) return absl::OkStatus();
  day = DevopsDayFor(cfg);
  day.engines = NewTsEngines(/*with_leveldb=*/true, why);
  if (day.engines.empty()) return absl::OkStatus();
  const DevopsBatches data = GenerateDevops(day.config, day.steps, 1000);
  for (auto& e : day.engines) {
    absl::Status s = e->Open(FreshDir(cfg, "day-" + DirName(e->name())));
    for (size_t i = 0; s.ok() && i < data.batches.size(); i++) {
      s = e->WriteLines(data.batches[i], false);
    }
    if (s.ok()) s = e->Settle();
    if (!s.ok()) {
      const std::string name = e->name();
      day.engines.clear();
      return absl::InternalError(
          absl::StrFormat("%s: loading the devops day: %s", name, s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace strata::bench
