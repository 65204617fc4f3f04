// A consumer of the installed Strata: opens a DB in the directory given as
// argv[1], writes and queries a point through the time-series layer and a
// document through the document layer, using only include/strata headers.
// Prints "consumer ok" and exits 0 when everything round-trips.
#include <cstdio>
#include <memory>
#include <string>

#include "strata/db.h"
#include "strata/docs.h"
#include "strata/series.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: strata_consumer DIR\n");
    return 2;
  }
  strata::Options options;
  auto db = strata::DB::Open(options, argv[1]);
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n",
                 std::string(db.status().message()).c_str());
    return 1;
  }
  auto ts = strata::TimeSeries::Open(db->get());
  if (!ts.ok()) return 1;
  auto w = (*ts)->WriteLineProtocol("cpu,host=a value=42 1000000000\n");
  if (!w.ok() || w->points_written != 1) return 1;
  auto q = (*ts)->Query("SELECT value FROM cpu");
  if (!q.ok()) return 1;
  const std::string json = strata::ToInfluxJson(*q);
  if (json.find("42") == std::string::npos) {
    std::fprintf(stderr, "query: %s\n", json.c_str());
    return 1;
  }
  auto docs = strata::DocumentStore::Open(db->get());
  if (!docs.ok()) return 1;
  strata::CollectionSpec spec;
  spec.name = "c";
  if (!(*docs)->CreateCollection(spec).ok()) return 1;
  if (!(*docs)->Put("c", R"({"_id":"k","v":1})").ok()) return 1;
  auto got = (*docs)->Get("c", R"("k")");
  if (!got.ok() || got->find("\"v\":1") == std::string::npos) return 1;
  std::printf("consumer ok\n");
  return 0;
}
