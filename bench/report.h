// Collects benchmark figures and prints them as a markdown table (with
// Strata / peer ratios) and as JSON with the machine description.
#ifndef STRATA_BENCH_REPORT_H_
#define STRATA_BENCH_REPORT_H_

#include <string>
#include <vector>

namespace strata::bench {

struct Row {
  std::string workload;
  std::string metric;
  std::string unit;
  double strata = 0;
  double peer = 0;
  std::string peer_name;
  bool higher_is_better = true;
};

class Report {
 public:
  void Add(Row row) { rows_.push_back(std::move(row)); }
  void Note(std::string line) { notes_.push_back(std::move(line)); }
  std::string Markdown() const;
  std::string Json(double scale) const;

 private:
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
};

// "2 cores, 23 GiB, <cpu model>, Linux <release>"
std::string MachineDescription();

// Bytes in regular files below dir.
uint64_t DirectoryBytes(const std::string& dir);

// Monotonic seconds.
double Now();

}  // namespace strata::bench

#endif  // STRATA_BENCH_REPORT_H_
