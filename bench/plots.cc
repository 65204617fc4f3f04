// gnuplot output for the report's curves. Data and scripts are plain text
// so a plot can be re-rendered or restyled without re-running the bench.
#include "plots.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_format.h"

namespace strata::bench {
namespace {

// gnuplot strings are single-quoted; a quote is doubled.
std::string Quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) {
    o += c;
    if (c == '\'') o += '\'';
  }
  return o + "'";
}

// For /bin/sh: close the quote, add an escaped quote, reopen.
std::string ShellQuote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

bool HaveGnuplot() {
  return std::system("command -v gnuplot >/dev/null 2>&1") == 0;
}

}  // namespace

absl::Status WritePlots(const Report& report, const RunInfo& info,
                        const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrFormat("create %s: %s", dir, ec.message()));
  }
  const bool gnuplot = HaveGnuplot();
  for (const PlotSpec& p : report.plots()) {
    const std::vector<Curve> curves = report.Curves(p.id);
    if (curves.empty()) continue;
    const std::string base = dir + "/" + p.id;
    std::string data = absl::StrFormat("# %s\n", p.title);
    for (const Curve& c : curves) {
      absl::StrAppendFormat(&data, "# %s\n", c.name);
      for (const auto& [x, y] : c.points) {
        absl::StrAppendFormat(&data, "%.9g %.9g\n", x, y);
      }
      data += "\n\n";  // gnuplot: next index
    }
    std::string gp = absl::StrFormat(
        "set terminal pngcairo size 900,540 font 'Sans,10'\n"
        "set output %s\n"
        "set title %s\nset xlabel %s\nset ylabel %s\n"
        "set key outside right top\nset grid\n%s%s"
        "set label 1 %s at graph 0, graph -0.14 font 'Sans,8'\n"
        "set bmargin 6\n",
        Quote(p.id + ".png"), Quote(p.title), Quote(p.xlabel), Quote(p.ylabel),
        p.logx ? "set logscale x 2\n" : "", p.logy ? "set logscale y 10\n" : "",
        Quote(absl::StrFormat("%s, %s, scale %g", info.date, info.machine,
                              info.scale)));
    gp += "plot ";
    for (size_t i = 0; i < curves.size(); i++) {
      absl::StrAppendFormat(&gp, "%s%s index %d with linespoints lw 2 title %s",
                            i ? ", \\\n     " : "", Quote(p.id + ".dat"), i,
                            Quote(curves[i].name));
    }
    gp += "\n";
    std::ofstream(base + ".dat") << data;
    std::ofstream(base + ".gp") << gp;
    if (gnuplot) {
      const std::string cmd =
          absl::StrFormat("cd %s && gnuplot %s >/dev/null 2>&1",
                          ShellQuote(dir), ShellQuote(p.id + ".gp"));
      if (std::system(cmd.c_str()) != 0) {
        return absl::InternalError("gnuplot failed on " + base + ".gp");
      }
    }
  }
  if (!gnuplot) {
    return absl::FailedPreconditionError(
        "gnuplot not installed (scripts/deps.sh installs gnuplot-nox); wrote "
        ".dat and .gp files to " +
        dir);
  }
  return absl::OkStatus();
}

}  // namespace strata::bench
