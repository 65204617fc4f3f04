// strata-bench: runs named workloads against Strata and its peers (RocksDB,
// LevelDB, SQLite) in the same process, prints a markdown table of results
// with Strata / peer ratios, and optionally writes the JSON of every
// figure and the plots. See bench/README.md.
//
//   strata-bench [--workloads=ingest,queries,...] [--scale=1.0]
//                [--dir=/tmp/strata-bench] [--json=FILE] [--markdown=FILE]
//                [--plots=DIR]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "plots.h"
#include "report.h"
#include "workloads.h"

namespace {

using strata::bench::BenchConfig;
using strata::bench::Report;
using Workload = std::function<absl::Status(const BenchConfig&, Report*)>;

// In run order: queries reuse what ingest loaded.
const std::vector<std::pair<std::string, Workload>>& AllWorkloads() {
  using namespace strata::bench;
  static const auto* all = new std::vector<std::pair<std::string, Workload>>{
      {"ingest", RunIngestWorkload}, {"queries", RunQueriesWorkload},
      {"gets", RunGetsWorkload},     {"retention", RunRetentionWorkload},
      {"docs", RunDocsWorkload},     {"scaling", RunScalingWorkload},
      {"core", RunCoreWorkload},     {"sustained", RunSustainedWorkload},
  };
  return *all;
}

constexpr char kDefaultWorkloads[] =
    "ingest,queries,gets,retention,docs,scaling,sustained";

int Usage() {
  std::string names;
  for (const auto& [name, fn] : AllWorkloads()) {
    names += (names.empty() ? "" : ",") + name;
  }
  std::fprintf(stderr,
               "usage: strata-bench [--workloads=LIST] [--scale=X] "
               "[--dir=DIR] [--json=FILE] [--markdown=FILE] [--plots=DIR]\n"
               "workloads (run in this order): %s, or all\n"
               "default: %s\n",
               names.c_str(), kDefaultWorkloads);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace strata::bench;
  BenchConfig cfg;
  cfg.dir = "/tmp/strata-bench";
  std::string workloads, json_path, markdown_path, plots_dir;
  RunInfo info;
  info.command = argv[0];
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    info.command += " " + a;
    auto val = [&](const char* flag) -> const char* {
      const size_t n = std::strlen(flag);
      return a.compare(0, n, flag) == 0 ? a.c_str() + n : nullptr;
    };
    if (const char* v = val("--scale=")) {
      cfg.scale = std::atof(v);
    } else if (const char* v = val("--dir=")) {
      cfg.dir = v;
    } else if (const char* v = val("--workloads=")) {
      workloads = v;
    } else if (const char* v = val("--json=")) {
      json_path = v;
    } else if (const char* v = val("--markdown=")) {
      markdown_path = v;
    } else if (const char* v = val("--plots=")) {
      plots_dir = v;
    } else {
      return Usage();
    }
  }
  if (!(cfg.scale > 0 && cfg.scale <= 1000)) {
    std::fprintf(stderr, "--scale must be in (0, 1000]\n");
    return 2;
  }
  std::vector<std::pair<std::string, Workload>> run;
  // "core" overlaps gets, scaling and sustained; it runs when named (or
  // with --workloads=all), keeping the default run under 10 minutes.
  if (workloads.empty()) workloads = kDefaultWorkloads;
  if (workloads == "all") {
    run = AllWorkloads();
  } else {
    for (const std::string& name :
         std::vector<std::string>(absl::StrSplit(workloads, ','))) {
      bool found = false;
      for (const auto& w : AllWorkloads()) {
        if (w.first == name) {
          run.push_back(w);
          found = true;
        }
      }
      if (!found) {
        std::fprintf(stderr, "unknown workload '%s'\n", name.c_str());
        return Usage();
      }
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg.dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", cfg.dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  info.scale = cfg.scale;
  info.machine = MachineDescription();
  info.date = UtcNow();
  std::printf("machine: %s\ndate: %s\nscale: %g\n", info.machine.c_str(),
              info.date.c_str(), cfg.scale);
  Report report;
  const double start = Now();
  int status = 0;
  for (const auto& [name, fn] : run) {
    std::printf("running %s ...\n", name.c_str());
    std::fflush(stdout);
    const double t = Now();
    absl::Status s = fn(cfg, &report);
    info.workload_seconds.emplace_back(name, Now() - t);
    std::printf("  %s: %.1f s\n", name.c_str(), Now() - t);
    if (!s.ok()) {
      std::fprintf(stderr, "workload %s failed: %s\n", name.c_str(),
                   std::string(s.message()).c_str());
      status = 1;
      break;
    }
  }
  ReleaseSharedState();
  info.seconds = Now() - start;
  const std::string markdown = report.Markdown(info);
  std::printf("\n%s", markdown.c_str());
  if (!json_path.empty()) std::ofstream(json_path) << report.Json(info);
  if (!markdown_path.empty()) std::ofstream(markdown_path) << markdown;
  if (!plots_dir.empty()) {
    absl::Status s = WritePlots(report, info, plots_dir);
    if (!s.ok()) {
      std::fprintf(stderr, "plots: %s\n", std::string(s.message()).c_str());
    }
  }
  std::filesystem::remove_all(cfg.dir, ec);
  return status;
}
