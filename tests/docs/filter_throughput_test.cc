// Matcher throughput on ~200-byte telemetry documents with a two-predicate
// filter, printed in MB/s next to a peer measured in the same run (parse
// each document into a JsonValue, then match). Never gates on time; it
// checks the match count so that it cannot pass while matching wrongly.
#include <chrono>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "docs/filter.h"
#include "gtest/gtest.h"
#include "util/random.h"

namespace strata::docs {
namespace {

struct Corpus {
  std::vector<std::string> docs;
  size_t bytes = 0;
  int64_t expected = 0;  // documents the filter below must match
};

Corpus MakeCorpus(int n) {
  static const char* const kRegions[] = {"eu-west-1", "us-east-1", "ap-south-1",
                                         "us-west-2"};
  Random rnd(1234);
  Corpus c;
  for (int i = 0; i < n; ++i) {
    const char* region = kRegions[rnd.Uniform(4)];
    double cpu = static_cast<double>(rnd.Uniform(10000)) / 100;
    c.docs.push_back(absl::StrFormat(
        R"({"_id":"dev-%06d-%06d","ts":%d,"host":"web-%02d","region":"%s",)"
        R"("metrics":{"cpu":%.2f,"mem":%.1f,"disk":%.2f,"net_in":%d},)"
        R"("tags":["prod","%s"],"status":"%s","temp":%.1f})",
        i / 100, i % 100, 1700000000000LL + i * 1000LL, rnd.Uniform(64), region,
        cpu, static_cast<double>(rnd.Uniform(1000)) / 10,
        static_cast<double>(rnd.Uniform(10000)) / 100, rnd.Uniform(1 << 20),
        rnd.OneIn(2) ? "blue" : "green", rnd.OneIn(10) ? "degraded" : "ok",
        static_cast<double>(rnd.Uniform(600)) / 10));
    c.bytes += c.docs.back().size();
    c.expected += std::string_view(region) == "eu-west-1" && cpu > 50;
  }
  return c;
}

TEST(FilterThroughputTest, TelemetryScan) {
  Corpus corpus = MakeCorpus(20000);
  double avg = static_cast<double>(corpus.bytes) / corpus.docs.size();
  absl::StatusOr<Filter> filter =
      ParseFilter(R"({"region":"eu-west-1","metrics.cpu":{"$gt":50}})");
  ASSERT_TRUE(filter.ok()) << filter.status();
  using Clock = std::chrono::steady_clock;

  // Streaming matcher over padded copies (as a block reader would hand
  // out), several passes.
  std::vector<std::string> padded;
  for (const std::string& d : corpus.docs) {
    padded.push_back(d);
    padded.back().resize(d.size() + kJsonPadding);
  }
  Matcher matcher(*filter);
  constexpr int kPasses = 5;
  int64_t hits = 0;
  auto t0 = Clock::now();
  for (int p = 0; p < kPasses; ++p) {
    for (size_t i = 0; i < padded.size(); ++i) {
      absl::StatusOr<bool> r = matcher.MatchesPadded(
          std::string_view(padded[i].data(), corpus.docs[i].size()));
      ASSERT_TRUE(r.ok()) << r.status();
      hits += *r;
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(hits, corpus.expected * kPasses);
  double mbps = corpus.bytes * kPasses / secs / 1e6;

  // With a copy into the matcher's padded buffer.
  hits = 0;
  t0 = Clock::now();
  for (const std::string& d : corpus.docs) hits += *matcher.Matches(d);
  double copy_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(hits, corpus.expected);
  double copy_mbps = corpus.bytes / copy_secs / 1e6;

  // Peer: materialize each document, then match in memory.
  hits = 0;
  t0 = Clock::now();
  for (const std::string& d : corpus.docs) {
    absl::StatusOr<JsonValue> v = ParseJson(d);
    ASSERT_TRUE(v.ok());
    hits += matcher.MatchesValue(*v);
  }
  double dom_secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_EQ(hits, corpus.expected);
  double dom_mbps = corpus.bytes / dom_secs / 1e6;

  std::printf(
      "matcher: %zu docs x %d passes, avg %.0f B/doc, %lld matches/pass\n"
      "  streaming (padded):   %8.1f MB/s  %6.2f M docs/s\n"
      "  streaming (copy):     %8.1f MB/s\n"
      "  peer parse+match:     %8.1f MB/s  (streaming is %.1fx)\n",
      corpus.docs.size(), kPasses, avg, static_cast<long long>(corpus.expected),
      mbps, corpus.docs.size() * kPasses / secs / 1e6, copy_mbps, dom_mbps,
      mbps / dom_mbps);
}

}  // namespace
}  // namespace strata::docs
