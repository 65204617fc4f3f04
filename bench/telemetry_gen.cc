// Telemetry event generator. Per device: a firmware version, a site
// (region, building, floor), tags, and readings that drift (temperature and
// humidity random walks around the site's level, a battery that drains and
// is recharged, a radio signal that wanders around its placement level).
#include "telemetry_gen.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace strata::bench {
namespace {

const char* const kRegions[] = {"eu-west", "eu-central", "us-east", "us-west",
                                "ap-south"};
const char* const kPlaces[] = {"indoor", "outdoor", "cold-room", "rooftop"};

std::string Fixed(double v, int decimals) {
  return absl::StrFormat("%.*f", decimals, v);
}

}  // namespace

std::string TelemetryGenerator::DeviceId(int device) {
  return absl::StrFormat("dev-%05d", device);
}

TelemetryGenerator::TelemetryGenerator(const TelemetryConfig& config)
    : config_(config), rnd_(config.seed), now_ns_(config.start_ns) {
  devices_.resize(std::max(1, config.devices));
  for (size_t i = 0; i < devices_.size(); i++) {
    Device& d = devices_[i];
    d.id = DeviceId(static_cast<int>(i));
    d.fw = absl::StrFormat("%d.%d.%d", 1 + rnd_.Uniform(3), rnd_.Uniform(10),
                           rnd_.Uniform(20));
    const int floor = static_cast<int>(rnd_.Uniform(12));
    d.site =
        absl::StrFormat(R"({"region":"%s","building":"b%02d","floor":%d})",
                        kRegions[rnd_.Uniform(5)], rnd_.Uniform(40), floor);
    const char* place = kPlaces[rnd_.Uniform(4)];
    d.tags = rnd_.OneIn(4)
                 ? absl::StrFormat(R"(["%s"])", place)
                 : absl::StrFormat(R"(["%s","floor-%d"])", place, floor);
    d.temp = std::string_view(place) == "cold-room"
                 ? 4 + rnd_.NextDouble() * 2
                 : 15 + rnd_.NextDouble() * 12;
    d.hum = 30 + rnd_.NextDouble() * 40;
    d.battery = 20 + static_cast<int>(rnd_.Uniform(81));
    d.rssi = -40 - static_cast<int>(rnd_.Uniform(50));
  }
}

int64_t TelemetryGenerator::Next(std::string* out) {
  // Exponential-ish gaps with the configured mean.
  now_ns_ += static_cast<int64_t>(-std::log(1 - rnd_.NextDouble() * 0.999) *
                                  config_.mean_gap_ns);
  const int64_t ts_ms = now_ns_ / 1'000'000;
  const size_t n = devices_.size();
  // Half the traffic comes from the busiest tenth of the fleet.
  const size_t di = rnd_.OneIn(2) ? rnd_.Uniform(std::max<size_t>(n / 10, 1))
                                  : rnd_.Uniform(n);
  Device& d = devices_[di];
  d.temp += (rnd_.NextDouble() - 0.5) * 0.4;
  d.hum = std::clamp(d.hum + (rnd_.NextDouble() - 0.5), 5.0, 95.0);
  if (rnd_.OneIn(4)) d.battery--;
  if (d.battery < 5) d.battery = 100;  // recharged
  d.rssi = std::clamp(d.rssi + static_cast<int>(rnd_.Uniform(5)) - 2, -95, -30);

  const uint64_t roll = rnd_.Uniform(100);
  const char* kind = roll < 90 ? "reading" : roll < 97 ? "heartbeat" : "alert";
  const char* status = "ok";
  std::string errors = "[]";
  if (roll >= 97) {
    status = rnd_.OneIn(3) ? "error" : "warn";
    errors = absl::StrFormat(R"([{"code":"E%02d","sev":%d}])", rnd_.Uniform(40),
                             1 + rnd_.Uniform(3));
  } else if (d.battery < 15) {
    status = "warn";
  }
  absl::StrAppendFormat(out, R"({"id":"e%09d","device":"%s","ts":%d,)", seq_,
                        d.id, ts_ms);
  absl::StrAppendFormat(out, R"("kind":"%s","fw":"%s","site":%s,)", kind, d.fw,
                        d.site);
  if (roll >= 90 && roll < 97) {
    absl::StrAppendFormat(out, R"("metrics":{"battery":%d,"rssi":%d},)",
                          d.battery, d.rssi);
  } else {
    absl::StrAppendFormat(
        out, R"("metrics":{"temp":%s,"hum":%s,"battery":%d,"rssi":%d},)",
        Fixed(d.temp, 2), Fixed(d.hum, 1), d.battery, d.rssi);
  }
  absl::StrAppendFormat(out, R"("tags":%s,"status":"%s","errors":%s})", d.tags,
                        status, errors);
  seq_++;
  return ts_ms;
}

TelemetryDocs GenerateTelemetry(const TelemetryConfig& config, int64_t count) {
  TelemetryGenerator gen(config);
  TelemetryDocs out;
  out.docs.reserve(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = 0; i < count; i++) {
    std::string doc;
    const int64_t ts = gen.Next(&doc);
    if (i == 0) out.first_ms = ts;
    out.last_ms = ts;
    out.bytes += doc.size();
    out.docs.push_back(std::move(doc));
  }
  return out;
}

}  // namespace strata::bench
