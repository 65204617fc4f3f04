// Tests of the benchmark's own parts: the generators are deterministic and
// produce what their headers promise (valid line protocol with the right
// fields and value shapes; valid telemetry JSON in time order), and the
// report's ratios and JSON are right. Timing is never asserted.
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "report.h"
#include "series/line_protocol.h"
#include "simdjson.h"
#include "telemetry_gen.h"
#include "tsbs_gen.h"

namespace strata::bench {
namespace {

TEST(DevopsGeneratorTest, SameSeedSameBytesOtherSeedOtherBytes) {
  DevopsConfig c;
  c.hosts = 7;
  c.mem = c.disk = true;
  const DevopsBatches a = GenerateDevops(c, 20, 10);
  const DevopsBatches b = GenerateDevops(c, 20, 10);
  c.seed = 2;
  const DevopsBatches d = GenerateDevops(c, 20, 10);
  EXPECT_EQ(a.batches, b.batches);
  EXPECT_NE(a.batches, d.batches);
}

struct ShapeCase {
  bool cpu, mem, disk;
  int fields_per_host;
};

class DevopsShapeTest : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(DevopsShapeTest, ParsesWithCountsTypesAndRanges) {
  const ShapeCase& t = GetParam();
  DevopsConfig c;
  c.hosts = 13;
  c.cpu = t.cpu;
  c.mem = t.mem;
  c.disk = t.disk;
  const int64_t steps = 50;
  const DevopsBatches data = GenerateDevops(c, steps, 20);
  uint64_t lines = 0, values = 0, bytes = 0;
  std::map<std::string, int64_t> last_ts;  // series -> last timestamp
  for (const std::string& batch : data.batches) {
    bytes += batch.size();
    LineProtocolParser parser(batch, LineProtocolOptions());
    ParsedPoint p;
    while (parser.Next(&p)) {
      lines++;
      values += p.fields.size();
      std::string key;
      AppendSeriesKey(p, &key);
      auto [it, fresh] = last_ts.emplace(key, p.timestamp);
      if (!fresh) {
        EXPECT_EQ(p.timestamp - it->second, c.interval_ns) << key;
        it->second = p.timestamp;
      }
      ASSERT_EQ(p.tags.size(), p.measurement == "disk" ? 12u : 10u);
      if (p.measurement == "cpu") {
        ASSERT_EQ(p.fields.size(), 10u);
        double sum = 0;
        for (const FieldView& f : p.fields) {
          ASSERT_EQ(f.value.type(), FieldType::kFloat) << f.key;
          EXPECT_GE(f.value.float_value(), 0) << f.key;
          EXPECT_LE(f.value.float_value(), 100) << f.key;
          sum += f.value.float_value();
        }
        // Idle is the remainder, so the shares add up to 100%.
        EXPECT_NEAR(sum, 100, 0.011);
      } else if (p.measurement == "mem") {
        ASSERT_EQ(p.fields.size(), 9u);
        EXPECT_EQ(p.fields[0].value.type(), FieldType::kInteger);
      } else {
        ASSERT_EQ(p.measurement, "disk");
        ASSERT_EQ(p.fields.size(), 7u);
        EXPECT_EQ(p.fields[0].value.type(), FieldType::kInteger);
      }
    }
    ASSERT_TRUE(parser.status().ok()) << parser.status();
  }
  EXPECT_EQ(lines, data.lines);
  EXPECT_EQ(values, data.values);
  EXPECT_EQ(values, static_cast<uint64_t>(steps) * c.hosts * t.fields_per_host);
  EXPECT_EQ(bytes, data.bytes);
  EXPECT_EQ(last_ts.size(),
            static_cast<size_t>(c.hosts) * (t.cpu + t.mem + t.disk));
}

INSTANTIATE_TEST_SUITE_P(Shapes, DevopsShapeTest,
                         ::testing::Values(ShapeCase{true, false, false, 10},
                                           ShapeCase{false, true, false, 9},
                                           ShapeCase{false, false, true, 7},
                                           ShapeCase{true, true, true, 26}));

TEST(DevopsGeneratorTest, CpuLoadIsNotNoise) {
  // Consecutive samples of a host move a little; uniform noise would jump.
  DevopsConfig c;
  c.hosts = 1;
  const DevopsBatches data = GenerateDevops(c, 500, 1);
  double prev = -1, total_step = 0;
  int n = 0;
  for (const std::string& b : data.batches) {
    LineProtocolParser parser(b, LineProtocolOptions());
    ParsedPoint p;
    while (parser.Next(&p)) {
      const double idle = p.fields[2].value.float_value();
      if (prev >= 0) {
        total_step += std::fabs(idle - prev);
        n++;
      }
      prev = idle;
    }
  }
  EXPECT_LT(total_step / n, 5.0);
}

TEST(TelemetryGeneratorTest, ValidJsonInTimeOrderDeterministic) {
  TelemetryConfig c;
  c.devices = 50;
  const TelemetryDocs a = GenerateTelemetry(c, 3000);
  const TelemetryDocs b = GenerateTelemetry(c, 3000);
  EXPECT_EQ(a.docs, b.docs);
  simdjson::dom::parser parser;
  int64_t prev_ts = 0;
  std::set<std::string> ids, devices, kinds;
  uint64_t bytes = 0;
  for (const std::string& doc : a.docs) {
    bytes += doc.size();
    EXPECT_GE(doc.size(), 150u);
    EXPECT_LE(doc.size(), 350u);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(doc).get(e), simdjson::SUCCESS) << doc;
    std::string_view id, device, kind;
    int64_t ts = 0, battery = 0;
    ASSERT_EQ(e["id"].get(id), simdjson::SUCCESS) << doc;
    ASSERT_EQ(e["device"].get(device), simdjson::SUCCESS) << doc;
    ASSERT_EQ(e["kind"].get(kind), simdjson::SUCCESS) << doc;
    ASSERT_EQ(e["ts"].get(ts), simdjson::SUCCESS) << doc;
    ASSERT_EQ(e["metrics"]["battery"].get(battery), simdjson::SUCCESS) << doc;
    simdjson::dom::array tags;
    ASSERT_EQ(e["tags"].get(tags), simdjson::SUCCESS) << doc;
    EXPECT_GE(ts, prev_ts);
    prev_ts = ts;
    EXPECT_TRUE(ids.insert(std::string(id)).second) << id;
    devices.insert(std::string(device));
    kinds.insert(std::string(kind));
  }
  EXPECT_EQ(bytes, a.bytes);
  EXPECT_GE(a.first_ms, c.start_ns / 1'000'000);
  EXPECT_EQ(a.last_ms, prev_ts);
  EXPECT_GT(devices.size(), 40u);
  EXPECT_EQ(kinds, (std::set<std::string>{"alert", "heartbeat", "reading"}));
}

TEST(ReportTest, RatiosAndDirection) {
  Report r;
  r.Add({"w", "ingest", "points/s", 200, 100, "RocksDB"});
  r.Add({"w", "latency", "us", 50, 100, "RocksDB", false});
  r.Add({"w", "size", "bytes", 300, 100, "SQLite", false});
  r.Add({"w", "solo", "x", 1, 0, ""});
  r.Add({"w", "expired", "points", 0, 0, "RocksDB", false});
  RunInfo info;
  const std::string md = r.Markdown(info);
  EXPECT_NE(md.find("| 2.00x better |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 0.50x better |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 3.00x worse |"), std::string::npos) << md;
  EXPECT_NE(md.find("| solo (x) | 1.00 | - | - | - |"), std::string::npos)
      << md;
  // A peer value of 0 is shown; only the ratio is undefined.
  EXPECT_NE(md.find("| expired (points, lower is better) | 0 | RocksDB | 0 "
                    "| - |"),
            std::string::npos)
      << md;
}

TEST(ReportTest, JsonParsesAndHoldsEverything) {
  Report r;
  r.Add({"w \"quoted\"", "m", "u", 1.5, 3, "RocksDB"});
  r.AddTarget({"t", 2, "x", ">= 1x", true});
  r.DefinePlot({"p", "title", "x", "y"});
  r.AddCurvePoint("p", "Strata", 1, 10);
  r.AddCurvePoint("p", "Strata", 4, 20);
  r.Config("Strata", "defaults\nsecond line");
  r.Skip("docs", "layer not available");
  r.Note("n");
  RunInfo info;
  info.scale = 0.5;
  info.workload_seconds = {{"ingest", 1.25}};
  const std::string json = r.Json(info);
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  ASSERT_EQ(parser.parse(json).get(e), simdjson::SUCCESS) << json;
  double scale = 0, peer = 0;
  ASSERT_EQ(e["scale"].get(scale), simdjson::SUCCESS);
  EXPECT_EQ(scale, 0.5);
  ASSERT_EQ(e["results"].at(0)["peer_value"].get(peer), simdjson::SUCCESS);
  EXPECT_EQ(peer, 3);
  std::string_view workload;
  ASSERT_EQ(e["results"].at(0)["workload"].get(workload), simdjson::SUCCESS);
  EXPECT_EQ(workload, "w \"quoted\"");
  simdjson::dom::array points;
  ASSERT_EQ(e["curves"].at(0)["points"].get(points), simdjson::SUCCESS);
  EXPECT_EQ(points.size(), 2u);
  bool met = false;
  ASSERT_EQ(e["targets"].at(0)["met"].get(met), simdjson::SUCCESS);
  EXPECT_TRUE(met);
  std::string_view reason;
  ASSERT_EQ(e["skipped"].at(0)["reason"].get(reason), simdjson::SUCCESS);
  EXPECT_EQ(reason, "layer not available");
}

}  // namespace
}  // namespace strata::bench
