// Plots of a benchmark report: for each PlotSpec a gnuplot data file
// (<id>.dat, one block per curve) and script (<id>.gp) in a directory, and
// the PNG rendered by gnuplot when it is installed (Debian gnuplot-nox).
#ifndef STRATA_BENCH_PLOTS_H_
#define STRATA_BENCH_PLOTS_H_

#include <string>

#include "absl/status/status.h"
#include "report.h"

namespace strata::bench {

// Writes the files of every plot with at least one point into dir
// (created). Without gnuplot the .dat/.gp files are still written and the
// returned status says the PNGs were not rendered (FailedPrecondition).
absl::Status WritePlots(const Report& report, const RunInfo& info,
                        const std::string& dir);

}  // namespace strata::bench

#endif  // STRATA_BENCH_PLOTS_H_
