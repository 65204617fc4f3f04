#include "report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
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
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(dir, ec)) {
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
  return absl::StrFormat("%d cores, %.0f GiB RAM, %s, Linux %s",
                         sysconf(_SC_NPROCESSORS_ONLN),
                         static_cast<double>(pages) * page / (1 << 30), cpu,
                         u.release);
}

namespace {
std::string Fmt(double v) {
  if (v >= 100) return absl::StrFormat("%.0f", v);
  if (v >= 1) return absl::StrFormat("%.2f", v);
  return absl::StrFormat("%.3g", v);
}
std::string JsonEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o.push_back('\\');
    o.push_back(c);
  }
  return o;
}
}  // namespace

std::string Report::Markdown() const {
  std::string out =
      "| workload | metric | Strata | peer | peer value | Strata / peer |\n"
      "|---|---|---|---|---|---|\n";
  for (const Row& r : rows_) {
    double ratio = r.peer > 0 ? r.strata / r.peer : 0;
    std::string better =
        r.peer > 0
            ? absl::StrFormat("%.2fx %s", ratio,
                              (ratio >= 1) == r.higher_is_better ? "(better)"
                                                                 : "(worse)")
            : "-";
    out += absl::StrFormat("| %s | %s (%s) | %s | %s | %s | %s |\n",
                           r.workload, r.metric, r.unit, Fmt(r.strata),
                           r.peer_name, r.peer > 0 ? Fmt(r.peer) : "-",
                           better);
  }
  for (const auto& n : notes_) out += "\n" + n + "\n";
  return out;
}

std::string Report::Json(double scale) const {
  std::string out = absl::StrFormat(
      "{\n  \"machine\": \"%s\",\n  \"scale\": %g,\n  \"results\": [\n",
      JsonEscape(MachineDescription()), scale);
  for (size_t i = 0; i < rows_.size(); i++) {
    const Row& r = rows_[i];
    out += absl::StrFormat(
        "    {\"workload\": \"%s\", \"metric\": \"%s\", \"unit\": \"%s\", "
        "\"strata\": %.6g, \"peer\": \"%s\", \"peer_value\": %.6g, "
        "\"higher_is_better\": %s}%s\n",
        JsonEscape(r.workload), JsonEscape(r.metric), JsonEscape(r.unit),
        r.strata, JsonEscape(r.peer_name), r.peer,
        r.higher_is_better ? "true" : "false",
        i + 1 < rows_.size() ? "," : "");
  }
  out += "  ],\n  \"notes\": [";
  for (size_t i = 0; i < notes_.size(); i++) {
    out += absl::StrFormat("%s\"%s\"", i ? ", " : "", JsonEscape(notes_[i]));
  }
  out += "]\n}\n";
  return out;
}

}  // namespace strata::bench
