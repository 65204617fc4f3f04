// Generators for `strata demo` (see demo_data.h). Numbers are formatted by
// hand: the demo writes millions of values and printf-style formatting
// would dominate its ingest time.
#include "cli/demo_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace strata::cli {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;
constexpr const char* kRegions[] = {"us-east-1", "us-west-2", "eu-west-1",
                                    "ap-south-1"};

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// v with exactly two decimals ("12.30", "-0.05").
void AppendFixed2(std::string* out, double v) {
  int64_t cents = std::llround(v * 100);
  if (cents < 0) {
    out->push_back('-');
    cents = -cents;
  }
  AppendInt(out, cents / 100);
  out->push_back('.');
  out->push_back(static_cast<char>('0' + cents / 10 % 10));
  out->push_back(static_cast<char>('0' + cents % 10));
}

double Clamp(double v, double lo, double hi) {
  return std::min(hi, std::max(lo, v));
}

// Uniform noise in [-a, a).
double Noise(Random* r, double a) { return (r->NextDouble() * 2 - 1) * a; }

}  // namespace

std::string DemoHostName(int index, int hosts) {
  return absl::StrFormat(hosts > 99 ? "host-%03d" : "host-%02d", index + 1);
}

const char* DemoRegion(int index) { return kRegions[index % 4]; }

std::string FormatRfc3339Millis(int64_t ns) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixNanos(ns),
                          absl::UTCTimeZone());
}

MetricsGenerator::MetricsGenerator(const MetricsSpec& spec)
    : rnd_(spec.seed),
      cpu_only_(spec.cpu_only),
      interval_ns_(spec.interval_ns),
      steps_(spec.span_ns / spec.interval_ns) {
  first_ns_ = spec.end_ns - (steps_ - 1) * interval_ns_;
  hosts_.resize(spec.hosts);
  for (int i = 0; i < spec.hosts; ++i) {
    Host& h = hosts_[i];
    const std::string tags = absl::StrFormat(
        ",host=%s,region=%s", DemoHostName(i, spec.hosts), DemoRegion(i));
    h.cpu_prefix = "cpu" + tags + " ";
    h.mem_prefix = "mem" + tags + " ";
    h.disk_prefix = "disk" + tags + ",device=nvme0n1 ";
    // Most hosts idle along; every seventh one runs hot.
    h.cpu_base =
        i % 7 == 3 ? 60 + rnd_.NextDouble() * 20 : 8 + rnd_.NextDouble() * 35;
    h.user = h.cpu_base;
    h.system = h.cpu_base * 0.3;
    h.iowait = 1 + rnd_.NextDouble() * 2;
    h.mem_pct = 35 + rnd_.NextDouble() * 40;
    h.mem_total = int64_t{16} << (30 + i % 3);  // 16, 32 or 64 GiB
    h.disk_pct = 30 + rnd_.NextDouble() * 45;
    h.read_mbps = 5;
    h.write_mbps = 3;
  }
}

bool MetricsGenerator::NextChunk(size_t max_lines, std::string* out) {
  if (step_ >= steps_) return false;
  int64_t n = std::max<int64_t>(1, max_lines / lines_per_step());
  for (; n > 0 && step_ < steps_; --n, ++step_) {
    AppendStep(first_ns_ + step_ * interval_ns_, out);
  }
  return true;
}

void MetricsGenerator::AppendStep(int64_t ts, std::string* out) {
  // Daily cycle: busiest mid-afternoon UTC.
  const double day = static_cast<double>(ts % kNanosPerDay) / kNanosPerDay;
  const double cycle = 1 + 0.35 * std::sin(2 * kPi * (day - 0.35));
  for (Host& h : hosts_) {
    // Mean-reverting walks, with a rare spike.
    h.user += 0.1 * (h.cpu_base * cycle - h.user) + Noise(&rnd_, 3);
    if (rnd_.OneIn(5000)) h.user += 35;
    h.user = Clamp(h.user, 0.5, 98);
    h.system = Clamp(
        h.system + 0.1 * (h.user * 0.3 - h.system) + Noise(&rnd_, 1), 0.2, 30);
    h.iowait =
        Clamp(h.iowait + 0.2 * (2 - h.iowait) + Noise(&rnd_, 0.6), 0, 15);
    const double idle = std::max(0.0, 100 - h.user - h.system - h.iowait);
    out->append(h.cpu_prefix);
    out->append("usage_user=");
    AppendFixed2(out, h.user);
    out->append(",usage_system=");
    AppendFixed2(out, h.system);
    out->append(",usage_iowait=");
    AppendFixed2(out, h.iowait);
    out->append(",usage_idle=");
    AppendFixed2(out, idle);
    out->push_back(' ');
    AppendInt(out, ts);
    out->push_back('\n');
    if (cpu_only_) continue;

    h.mem_pct = Clamp(h.mem_pct + Noise(&rnd_, 0.4), 20, 97);
    const int64_t used = static_cast<int64_t>(static_cast<double>(h.mem_total) *
                                              h.mem_pct / 100);
    out->append(h.mem_prefix);
    out->append("used_percent=");
    AppendFixed2(out, h.mem_pct);
    out->append(",used=");
    AppendInt(out, used);
    out->append("i,available=");
    AppendInt(out, h.mem_total - used);
    out->append("i ");
    AppendInt(out, ts);
    out->push_back('\n');

    // Disks fill slowly; I/O is bursty.
    h.disk_pct = Clamp(h.disk_pct + 0.0004 + Noise(&rnd_, 0.002), 0, 99.5);
    h.read_mbps =
        rnd_.OneIn(200)
            ? 80 + rnd_.NextDouble() * 300
            : Clamp(h.read_mbps * 0.8 + 1 + rnd_.NextDouble() * 4, 0, 500);
    h.write_mbps = Clamp(h.write_mbps * 0.9 + 0.3 + rnd_.NextDouble() * 2 +
                             (rnd_.OneIn(300) ? 120 : 0),
                         0, 500);
    out->append(h.disk_prefix);
    out->append("used_percent=");
    AppendFixed2(out, h.disk_pct);
    out->append(",read_mbps=");
    AppendFixed2(out, h.read_mbps);
    out->append(",write_mbps=");
    AppendFixed2(out, h.write_mbps);
    out->push_back(' ');
    AppendInt(out, ts);
    out->push_back('\n');
  }
}

IncidentGenerator::IncidentGenerator(const IncidentSpec& spec)
    : spec_(spec), rnd_(spec.seed) {
  times_.resize(spec.count);
  const uint64_t span = static_cast<uint64_t>(spec.end_ns - spec.start_ns);
  for (int64_t& t : times_) {
    // Whole milliseconds, as the RFC 3339 text carries them.
    t = spec.start_ns + static_cast<int64_t>(rnd_.Uniform(span));
    t -= t % 1'000'000;
    t = std::max(t, spec.start_ns);
  }
  std::sort(times_.begin(), times_.end());
}

size_t IncidentGenerator::Next(size_t n, std::vector<std::string>* docs) {
  size_t made = 0;
  for (; made < n && next_ < times_.size(); ++made, ++next_) {
    docs->push_back(Make(next_));
  }
  return made;
}

uint64_t IncidentGenerator::CountMade(std::string_view severity, int64_t from,
                                      int64_t to) const {
  uint64_t n = 0;
  for (size_t i = 0; i < severities_.size(); ++i) {
    if (times_[i] >= from && times_[i] < to && severity == severities_[i]) ++n;
  }
  return n;
}

std::string IncidentGenerator::Make(size_t i) {
  static constexpr const char* kServices[] = {"api",   "db",  "cache",
                                              "queue", "web", "auth"};
  static constexpr const char* kSeverities[] = {"info", "warning", "critical"};
  const double r = rnd_.NextDouble();
  const int sev = r < 0.70 ? 0 : r < 0.95 ? 1 : 2;
  severities_.push_back(kSeverities[sev]);
  // A few hosts cause a quarter of all incidents.
  const int noisy[] = {3 % spec_.hosts, 10 % spec_.hosts, 24 % spec_.hosts};
  const int host = rnd_.OneIn(4) ? noisy[rnd_.Uniform(3)]
                                 : static_cast<int>(rnd_.Uniform(spec_.hosts));
  const int service = static_cast<int>(rnd_.Uniform(6));
  const double m = 1 + sev + rnd_.NextDouble();  // severity scales the metric
  std::string message, metrics;
  switch (service) {
    case 0:
      message = absl::StrFormat("p99 latency %d ms above the 500 ms SLO",
                                static_cast<int>(400 + 150 * m));
      metrics = absl::StrFormat("{\"latency_ms\":%d,\"threshold_ms\":500}",
                                static_cast<int>(400 + 150 * m));
      break;
    case 1:
      message = absl::StrFormat("replication lag %.1f s", 2.5 * m);
      metrics = absl::StrFormat("{\"lag_s\":%.1f}", 2.5 * m);
      break;
    case 2:
      message = absl::StrFormat("hit ratio down to %.1f%%", 95 - 12 * m);
      metrics = absl::StrFormat("{\"hit_ratio\":%.3f}", (95 - 12 * m) / 100);
      break;
    case 3:
      message = absl::StrFormat("consumer backlog at %d messages",
                                static_cast<int>(1000 * m * m));
      metrics =
          absl::StrFormat("{\"backlog\":%d}", static_cast<int>(1000 * m * m));
      break;
    case 4:
      message = absl::StrFormat("5xx rate %.2f%%", 0.5 * m * m);
      metrics = absl::StrFormat("{\"error_rate\":%.4f}", 0.005 * m * m);
      break;
    default:
      message = absl::StrFormat("%d failed logins in 5 min",
                                static_cast<int>(20 * m * m));
      metrics = absl::StrFormat("{\"failed_logins\":%d}",
                                static_cast<int>(20 * m * m));
      break;
  }
  return absl::StrFormat(
      "{\"id\":\"inc-%06d\",\"ts\":\"%s\",\"host\":\"%s\",\"severity\":\"%s\","
      "\"service\":\"%s\",\"message\":\"%s\",\"tags\":[\"%s\",\"%s\",\"%s\"],"
      "\"metrics\":%s}",
      i + 1, FormatRfc3339Millis(times_[i]), DemoHostName(host, spec_.hosts),
      kSeverities[sev], kServices[service], message, kServices[service],
      sev == 2 ? "paged" : "ticket", DemoRegion(host), metrics);
}

}  // namespace strata::cli
