// strata-bench: runs named workloads against Strata and its peers in the
// same process and prints a markdown table of results with ratios.
//
//   strata-bench [--workloads=core,...] [--scale=1.0] [--dir=/tmp/strata-bench]
//                [--json=results.json]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "report.h"
#include "workloads.h"

int main(int argc, char** argv) {
  using namespace strata::bench;
  BenchConfig cfg;
  cfg.dir = "/tmp/strata-bench";
  std::string workloads = "core,sustained,retention";
  std::string json_path;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto val = [&](const char* flag) -> const char* {
      size_t n = std::strlen(flag);
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
    } else {
      std::fprintf(stderr,
                   "usage: strata-bench [--workloads=core] [--scale=X] "
                   "[--dir=DIR] [--json=FILE]\n");
      return 2;
    }
  }
  if (cfg.scale <= 0) {
    std::fprintf(stderr, "--scale must be positive\n");
    return 2;
  }
  const std::map<std::string,
                 std::function<absl::Status(const BenchConfig&, Report*)>>
      all = {{"core", RunCoreWorkload},
             {"sustained", RunSustainedWorkload},
             {"retention", RunRetentionWorkload}};
  std::filesystem::create_directories(cfg.dir);
  Report report;
  std::printf("machine: %s\nscale: %g\n", MachineDescription().c_str(),
              cfg.scale);
  for (const std::string& name :
       std::vector<std::string>(absl::StrSplit(workloads, ','))) {
    auto it = all.find(name);
    if (it == all.end()) {
      std::fprintf(stderr, "unknown workload '%s'\n", name.c_str());
      return 2;
    }
    std::printf("running %s ...\n", it->first.c_str());
    std::fflush(stdout);
    absl::Status s = it->second(cfg, &report);
    if (!s.ok()) {
      std::fprintf(stderr, "workload %s failed: %s\n", it->first.c_str(),
                   std::string(s.message()).c_str());
      return 1;
    }
  }
  std::printf("\n%s", report.Markdown().c_str());
  if (!json_path.empty()) {
    std::ofstream(json_path) << report.Json(cfg.scale);
  }
  std::filesystem::remove_all(cfg.dir);
  return 0;
}
