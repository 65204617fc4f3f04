// TSBS-style devops generator. Value model, per host:
//  - load: busy share following base * (1 + 0.3 sin(day)) with AR(1)
//    noise and rare bursts that decay over a few minutes;
//  - cpu: the busy share split among user/system/iowait/... by per-host
//    proportions with small jitter, idle is the remainder; percentages
//    with two decimals (agents configured with fixed precision);
//  - mem: fixed total, used share drifting slowly, cached/buffered tied to
//    it; byte counts as integers;
//  - disk: fixed size, used bytes growing with occasional cleanups,
//    inodes tracking used bytes.
#include "tsbs_gen.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace strata::bench {
namespace {

constexpr double kPi = 3.14159265358979323846;

const char* const kRegions[] = {
    "us-east-1",      "us-west-1",      "us-west-2",
    "eu-west-1",      "eu-central-1",   "ap-southeast-1",
    "ap-southeast-2", "ap-northeast-1", "sa-east-1"};
const char* const kOs[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
const char* const kArch[] = {"x86", "x64"};
const char* const kTeams[] = {"SF", "NYC", "LON", "CHI"};
const char* const kEnvs[] = {"production", "staging", "test"};

// Appends v rounded to two decimals without trailing zeros ("12.5", "3").
void AppendFixed2(double v, std::string* out) {
  int64_t cents = std::llround(v * 100);
  if (cents < 0) {
    out->push_back('-');
    cents = -cents;
  }
  absl::StrAppendFormat(out, "%d", cents / 100);
  int frac = static_cast<int>(cents % 100);
  if (frac != 0) {
    out->push_back('.');
    out->push_back(static_cast<char>('0' + frac / 10));
    if (frac % 10 != 0) out->push_back(static_cast<char>('0' + frac % 10));
  }
}

void AppendInt(int64_t v, std::string* out) {
  absl::StrAppendFormat(out, "%di", v);
}

// Roughly normal noise in [-1, 1] with sd ~0.33 (sum of three uniforms).
double Noise(Random* r) {
  return (r->NextDouble() + r->NextDouble() + r->NextDouble()) / 1.5 - 1;
}

}  // namespace

const std::vector<std::string>& DevopsGenerator::CpuFields() {
  static const std::vector<std::string> kFields = {
      "usage_user",   "usage_system",    "usage_idle",    "usage_nice",
      "usage_iowait", "usage_irq",       "usage_softirq", "usage_steal",
      "usage_guest",  "usage_guest_nice"};
  return kFields;
}

std::string DevopsGenerator::HostName(int host) {
  return absl::StrFormat("host_%d", host);
}

DevopsGenerator::DevopsGenerator(const DevopsConfig& config)
    : config_(config), rnd_(config.seed) {
  hosts_.resize(config.hosts);
  for (int i = 0; i < config.hosts; i++) {
    Host& h = hosts_[i];
    const char* region = kRegions[rnd_.Uniform(9)];
    h.tags = absl::StrFormat(
        ",hostname=%s,region=%s,datacenter=%s%c,rack=%d,os=%s,arch=%s,"
        "team=%s,service=%d,service_version=%d,service_environment=%s",
        HostName(i), region, region, static_cast<char>('a' + rnd_.Uniform(3)),
        rnd_.Uniform(100), kOs[rnd_.Uniform(3)], kArch[rnd_.Uniform(2)],
        kTeams[rnd_.Uniform(4)], rnd_.Uniform(20), rnd_.Uniform(2),
        kEnvs[rnd_.Uniform(3)]);
    h.base_load = 0.05 + 0.5 * rnd_.NextDouble() * rnd_.NextDouble();
    h.phase = 2 * kPi * rnd_.NextDouble();
    h.load = h.base_load;
    h.burst = 0;
    // user and system dominate; guest time is zero on most hosts.
    const double weights[9] = {
        6 + 4 * rnd_.NextDouble(),                    // user
        2 + 2 * rnd_.NextDouble(),                    // system
        0.2 * rnd_.NextDouble(),                      // nice
        0.5 + rnd_.NextDouble(),                      // iowait
        0.1 * rnd_.NextDouble(),                      // irq
        0.3 * rnd_.NextDouble(),                      // softirq
        rnd_.OneIn(3) ? 0.4 * rnd_.NextDouble() : 0,  // steal on VMs
        rnd_.OneIn(8) ? 0.5 * rnd_.NextDouble() : 0,  // guest
        0};                                           // guest_nice
    double sum = 0;
    for (double w : weights) sum += w;
    for (int k = 0; k < 9; k++) h.split[k] = weights[k] / sum;
    h.mem_total = int64_t{8} << (30 + rnd_.Uniform(4));
    h.mem_used = 0.3 + 0.4 * rnd_.NextDouble();
    h.disk_total = int64_t{250} << (30 + rnd_.Uniform(3));
    h.disk_used =
        static_cast<int64_t>(h.disk_total * (0.2 + 0.5 * rnd_.NextDouble()));
    h.inodes_total = h.disk_total / 16384;
    h.inodes_used = h.disk_used / 65536;
  }
}

int DevopsGenerator::values_per_host() const {
  return (config_.cpu ? 10 : 0) + (config_.mem ? 9 : 0) +
         (config_.disk ? 7 : 0);
}

int DevopsGenerator::lines_per_host() const {
  return (config_.cpu ? 1 : 0) + (config_.mem ? 1 : 0) + (config_.disk ? 1 : 0);
}

void DevopsGenerator::AppendCpu(Host& h, std::string* out) {
  const double t = static_cast<double>(step_ * config_.interval_ns) / kDay;
  const double target =
      h.base_load * (1 + 0.3 * std::sin(2 * kPi * t + h.phase));
  h.load = target + 0.9 * (h.load - target) + 0.02 * Noise(&rnd_);
  if (rnd_.OneIn(2000)) h.burst = 0.2 + 0.4 * rnd_.NextDouble();
  h.burst *= 0.97;
  const double busy = std::clamp(h.load + h.burst, 0.005, 0.995);
  double parts[9], used = 0;
  for (int k = 0; k < 9; k++) {
    parts[k] = h.split[k] == 0 ? 0
                               : std::round(100 * busy * h.split[k] *
                                            (1 + 0.1 * Noise(&rnd_)) * 100) /
                                     100;
    used += parts[k];
  }
  const double idle = std::max(0.0, 100 - used);
  out->append("cpu");
  out->append(h.tags);
  const std::vector<std::string>& f = CpuFields();
  const double values[10] = {parts[0], parts[1], idle,     parts[2], parts[3],
                             parts[4], parts[5], parts[6], parts[7], parts[8]};
  for (int k = 0; k < 10; k++) {
    out->push_back(k == 0 ? ' ' : ',');
    out->append(f[k]);
    out->push_back('=');
    AppendFixed2(values[k], out);
  }
  absl::StrAppendFormat(out, " %d\n", time_ns());
}

void DevopsGenerator::AppendMem(Host& h, std::string* out) {
  h.mem_used = std::clamp(h.mem_used + 0.002 * Noise(&rnd_), 0.05, 0.95);
  const auto total = static_cast<double>(h.mem_total);
  const int64_t used =
      static_cast<int64_t>(total * h.mem_used) & ~int64_t{4095};
  const int64_t buffered = (h.mem_total / 50) & ~int64_t{4095};
  const int64_t cached =
      static_cast<int64_t>((total - used) * 0.6) & ~int64_t{4095};
  const int64_t free = h.mem_total - used - buffered - cached;
  const int64_t available = free + cached + buffered;
  out->append("mem");
  out->append(h.tags);
  out->append(" total=");
  AppendInt(h.mem_total, out);
  out->append(",available=");
  AppendInt(available, out);
  out->append(",used=");
  AppendInt(used, out);
  out->append(",free=");
  AppendInt(free, out);
  out->append(",cached=");
  AppendInt(cached, out);
  out->append(",buffered=");
  AppendInt(buffered, out);
  out->append(",used_percent=");
  AppendFixed2(100 * used / total, out);
  out->append(",available_percent=");
  AppendFixed2(100 * available / total, out);
  out->append(",buffered_percent=");
  AppendFixed2(100 * buffered / total, out);
  absl::StrAppendFormat(out, " %d\n", time_ns());
}

void DevopsGenerator::AppendDisk(Host& h, std::string* out) {
  // Logs grow a little every interval; now and then a cleanup frees space.
  h.disk_used += static_cast<int64_t>(rnd_.Uniform(2 << 20));
  if (rnd_.OneIn(5000)) h.disk_used = h.disk_used * 7 / 10;
  h.disk_used = std::min(h.disk_used, h.disk_total);
  h.inodes_used = h.disk_used / 65536;
  out->append("disk");
  out->append(h.tags);
  out->append(",path=/,fstype=ext4 total=");
  AppendInt(h.disk_total, out);
  out->append(",free=");
  AppendInt(h.disk_total - h.disk_used, out);
  out->append(",used=");
  AppendInt(h.disk_used, out);
  out->append(",used_percent=");
  AppendFixed2(100.0 * h.disk_used / h.disk_total, out);
  out->append(",inodes_total=");
  AppendInt(h.inodes_total, out);
  out->append(",inodes_free=");
  AppendInt(h.inodes_total - h.inodes_used, out);
  out->append(",inodes_used=");
  AppendInt(h.inodes_used, out);
  absl::StrAppendFormat(out, " %d\n", time_ns());
}

int DevopsGenerator::AppendHosts(int first, int last, std::string* out) {
  int lines = 0;
  for (int i = std::max(first, 0); i < std::min(last, config_.hosts); i++) {
    if (config_.cpu) AppendCpu(hosts_[i], out);
    if (config_.mem) AppendMem(hosts_[i], out);
    if (config_.disk) AppendDisk(hosts_[i], out);
    lines += lines_per_host();
  }
  return lines;
}

DevopsBatches GenerateDevops(const DevopsConfig& config, int64_t steps,
                             int batch_lines) {
  DevopsGenerator gen(config);
  DevopsBatches out;
  const int per_group =
      std::max(1, batch_lines / std::max(1, gen.lines_per_host()));
  std::string batch;
  int in_batch = 0;
  for (int64_t s = 0; s < steps; s++) {
    for (int h = 0; h < config.hosts; h += per_group) {
      int n = gen.AppendHosts(h, h + per_group, &batch);
      in_batch += n;
      out.lines += n;
      if (in_batch >= batch_lines) {
        out.bytes += batch.size();
        out.batches.push_back(std::move(batch));
        batch.clear();
        in_batch = 0;
      }
    }
    gen.NextStep();
  }
  if (!batch.empty()) {
    out.bytes += batch.size();
    out.batches.push_back(std::move(batch));
  }
  out.values =
      static_cast<uint64_t>(steps) * config.hosts * gen.values_per_host();
  return out;
}

}  // namespace strata::bench
