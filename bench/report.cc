// Report rendering (markdown and JSON) and small machine/time helpers.
#include "report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_format.h"

namespace strata::bench {

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

std::string MachineDescription() {
  std::string cpu = "unknown cpu";
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  utsname u{};
  uname(&u);
  return absl::StrFormat(
      "%d cores, %.0f GiB RAM, %s, Linux %s", sysconf(_SC_NPROCESSORS_ONLN),
      static_cast<double>(pages) * page / (1 << 30), cpu, u.release);
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string HumanNumber(double v) {
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  if (a >= 1e9) return absl::StrFormat("%.2fG", v / 1e9);
  if (a >= 1e6) return absl::StrFormat("%.2fM", v / 1e6);
  if (a >= 1e4) return absl::StrFormat("%.1fk", v / 1e3);
  if (a >= 100) return absl::StrFormat("%.0f", v);
  if (a >= 1) return absl::StrFormat("%.2f", v);
  if (a == 0) return "0";
  return absl::StrFormat("%.3g", v);
}

void Report::Config(const std::string& engine, std::string text) {
  for (const auto& [name, t] : configs_) {
    if (name == engine) return;
  }
  configs_.emplace_back(engine, std::move(text));
}

void Report::Skip(const std::string& workload, std::string reason) {
  skipped_.emplace_back(workload, std::move(reason));
}

void Report::DefinePlot(PlotSpec spec) {
  for (const PlotSpec& p : plots_) {
    if (p.id == spec.id) return;
  }
  plots_.push_back(std::move(spec));
}

void Report::AddCurvePoint(const std::string& plot, const std::string& curve,
                           double x, double y) {
  auto key = std::make_pair(plot, curve);
  auto it = curves_.find(key);
  if (it == curves_.end()) {
    it = curves_.emplace(key, Curve{curve, {}}).first;
    curve_order_.push_back(key);
  }
  it->second.points.emplace_back(x, y);
}

std::vector<Curve> Report::Curves(const std::string& plot) const {
  std::vector<Curve> out;
  for (const auto& key : curve_order_) {
    if (key.first == plot) out.push_back(curves_.at(key));
  }
  return out;
}

namespace {

std::string JsonString(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o.push_back('\\');
      o.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      absl::StrAppendFormat(&o, "\\u%04x", c);
    } else {
      o.push_back(static_cast<char>(c));
    }
  }
  return o + "\"";
}

std::string JsonNumber(double v) {
  return std::isfinite(v) ? absl::StrFormat("%.6g", v) : "null";
}

// Markdown cells must not contain '|'.
std::string Cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

}  // namespace

std::string Report::Markdown(const RunInfo& info) const {
  std::string out = absl::StrFormat(
      "Machine: %s. Date: %s. Scale: %g. Run time: %.0f s.\n\n"
      "Ratios are Strata / peer; \"better\" means Strata is ahead (higher "
      "throughput, lower latency or size).\n\n",
      info.machine, info.date, info.scale, info.seconds);
  out +=
      "| workload | metric | Strata | peer | peer value | Strata / peer |\n"
      "|---|---|---|---|---|---|\n";
  for (const Row& r : rows_) {
    const bool has_peer = !r.peer_name.empty();
    std::string ratio = "-";
    if (has_peer && r.peer > 0) {
      const double x = r.strata / r.peer;
      ratio = absl::StrFormat(
          "%.2fx %s", x, (x >= 1) == r.higher_is_better ? "better" : "worse");
    }
    out += absl::StrFormat("| %s | %s (%s%s) | %s | %s | %s | %s |\n",
                           Cell(r.workload), Cell(r.metric), Cell(r.unit),
                           r.higher_is_better ? "" : ", lower is better",
                           HumanNumber(r.strata),
                           r.peer_name.empty() ? "-" : Cell(r.peer_name),
                           has_peer ? HumanNumber(r.peer) : "-", ratio);
  }
  if (!targets_.empty()) {
    out +=
        "\n**Targets** (issues 4 and 5)\n\n"
        "| target | measured | goal | met |\n|---|---|---|---|\n";
    for (const Target& t : targets_) {
      out += absl::StrFormat("| %s | %s %s | %s | %s |\n", Cell(t.what),
                             HumanNumber(t.value), Cell(t.unit), Cell(t.goal),
                             t.met ? "yes" : "no");
    }
  }
  if (!skipped_.empty()) {
    out += "\n**Skipped**\n\n";
    for (const auto& [w, why] : skipped_) {
      out += absl::StrFormat("- %s: skipped: %s\n", w, why);
    }
  }
  if (!configs_.empty()) {
    out += "\n**Configurations**\n\n";
    for (const auto& [name, text] : configs_) {
      out += absl::StrFormat("- %s: %s\n", name, text);
    }
  }
  if (!notes_.empty()) {
    out += "\n**Notes**\n\n";
    for (const auto& n : notes_) out += "- " + n + "\n";
  }
  return out;
}

std::string Report::Json(const RunInfo& info) const {
  std::string out = "{\n";
  absl::StrAppendFormat(&out,
                        "  \"machine\": %s,\n  \"date\": %s,\n  \"scale\": "
                        "%s,\n  \"command\": %s,\n  \"seconds\": %s,\n",
                        JsonString(info.machine), JsonString(info.date),
                        JsonNumber(info.scale), JsonString(info.command),
                        JsonNumber(info.seconds));
  out += "  \"workload_seconds\": {";
  for (size_t i = 0; i < info.workload_seconds.size(); i++) {
    absl::StrAppendFormat(&out, "%s%s: %s", i ? ", " : "",
                          JsonString(info.workload_seconds[i].first),
                          JsonNumber(info.workload_seconds[i].second));
  }
  out += "},\n  \"results\": [\n";
  for (size_t i = 0; i < rows_.size(); i++) {
    const Row& r = rows_[i];
    absl::StrAppendFormat(
        &out,
        "    {\"workload\": %s, \"metric\": %s, \"unit\": %s, \"strata\": %s, "
        "\"peer\": %s, \"peer_value\": %s, \"higher_is_better\": %s}%s\n",
        JsonString(r.workload), JsonString(r.metric), JsonString(r.unit),
        JsonNumber(r.strata),
        r.peer_name.empty() ? "null" : JsonString(r.peer_name),
        r.peer_name.empty() ? "null" : JsonNumber(r.peer),
        r.higher_is_better ? "true" : "false", i + 1 < rows_.size() ? "," : "");
  }
  out += "  ],\n  \"targets\": [\n";
  for (size_t i = 0; i < targets_.size(); i++) {
    const Target& t = targets_[i];
    absl::StrAppendFormat(
        &out,
        "    {\"what\": %s, \"value\": %s, \"unit\": %s, \"goal\": %s, "
        "\"met\": %s}%s\n",
        JsonString(t.what), JsonNumber(t.value), JsonString(t.unit),
        JsonString(t.goal), t.met ? "true" : "false",
        i + 1 < targets_.size() ? "," : "");
  }
  out += "  ],\n  \"curves\": [\n";
  for (size_t i = 0; i < curve_order_.size(); i++) {
    const Curve& c = curves_.at(curve_order_[i]);
    absl::StrAppendFormat(
        &out, "    {\"plot\": %s, \"name\": %s, \"points\": [",
        JsonString(curve_order_[i].first), JsonString(c.name));
    for (size_t k = 0; k < c.points.size(); k++) {
      absl::StrAppendFormat(&out, "%s[%s, %s]", k ? ", " : "",
                            JsonNumber(c.points[k].first),
                            JsonNumber(c.points[k].second));
    }
    absl::StrAppendFormat(&out, "]}%s\n",
                          i + 1 < curve_order_.size() ? "," : "");
  }
  out += "  ],\n  \"configs\": {";
  for (size_t i = 0; i < configs_.size(); i++) {
    absl::StrAppendFormat(&out, "%s\n    %s: %s", i ? "," : "",
                          JsonString(configs_[i].first),
                          JsonString(configs_[i].second));
  }
  out += "\n  },\n  \"skipped\": [";
  for (size_t i = 0; i < skipped_.size(); i++) {
    absl::StrAppendFormat(&out, "%s{\"workload\": %s, \"reason\": %s}",
                          i ? ", " : "", JsonString(skipped_[i].first),
                          JsonString(skipped_[i].second));
  }
  out += "],\n  \"notes\": [";
  for (size_t i = 0; i < notes_.size(); i++) {
    absl::StrAppendFormat(&out, "%s%s", i ? ", " : "", JsonString(notes_[i]));
  }
  out += "]\n}\n";
  return out;
}

}  // namespace strata::bench
