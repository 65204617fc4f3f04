// Collects benchmark figures and renders them: a markdown table with
// Strata / peer ratios, the issue targets met or missed, the peers'
// configurations, skipped workloads, and a JSON file with every figure,
// every plotted curve and the machine description.
#ifndef STRATA_BENCH_REPORT_H_
#define STRATA_BENCH_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace strata::bench {

// One figure of Strata and, optionally, the same figure of one peer.
struct Row {
  std::string workload;
  std::string metric;
  std::string unit;
  double strata = 0;
  double peer = 0;        // ignored when peer_name is empty
  std::string peer_name;  // empty: Strata only
  bool higher_is_better = true;
};

// A target from the issues, checked against a measured figure.
struct Target {
  std::string what;  // "ingest from line protocol"
  double value = 0;
  std::string unit;
  std::string goal;  // ">= 1M points/s"
  bool met = false;
};

// A line plot; curves are added point by point.
struct PlotSpec {
  std::string id;  // file name stem: docs/bench/<id>.png
  std::string title;
  std::string xlabel;
  std::string ylabel;
  bool logx = false;
  bool logy = false;
};
struct Curve {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

struct RunInfo {
  double scale = 1;
  std::string date;  // UTC, ISO 8601
  std::string machine;
  std::string command;
  double seconds = 0;
  std::vector<std::pair<std::string, double>> workload_seconds;
};

class Report {
 public:
  void Add(Row row) { rows_.push_back(std::move(row)); }
  void Note(std::string line) { notes_.push_back(std::move(line)); }
  // The settings an engine ran with; printed once per engine name.
  void Config(const std::string& engine, std::string text);
  void Skip(const std::string& workload, std::string reason);
  void AddTarget(Target t) { targets_.push_back(std::move(t)); }
  void DefinePlot(PlotSpec spec);
  void AddCurvePoint(const std::string& plot, const std::string& curve,
                     double x, double y);

  std::string Markdown(const RunInfo& info) const;
  std::string Json(const RunInfo& info) const;

  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<PlotSpec>& plots() const { return plots_; }
  // Curves of one plot, in the order first added.
  std::vector<Curve> Curves(const std::string& plot) const;
  const std::vector<std::pair<std::string, std::string>>& skipped() const {
    return skipped_;
  }

 private:
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
  std::vector<std::pair<std::string, std::string>> configs_;
  std::vector<std::pair<std::string, std::string>> skipped_;
  std::vector<Target> targets_;
  std::vector<PlotSpec> plots_;
  // (plot, curve) -> points; order_ keeps insertion order per plot.
  std::map<std::pair<std::string, std::string>, Curve> curves_;
  std::vector<std::pair<std::string, std::string>> curve_order_;
};

// "2 cores, 23 GiB RAM, <cpu model>, Linux <release>"
std::string MachineDescription();
// Current UTC time as "2024-05-01T12:00:00Z".
std::string UtcNow();

// Bytes in regular files below dir.
uint64_t DirectoryBytes(const std::string& dir);

// Monotonic seconds.
double Now();

// 1234567 -> "1.23M", 0.00123 -> "0.00123": compact figures for tables.
std::string HumanNumber(double v);

}  // namespace strata::bench

#endif  // STRATA_BENCH_REPORT_H_
