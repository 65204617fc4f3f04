// Writes the seed corpora of the fuzz targets from valid inputs made by the
// real encoders: WALs and manifests from LogWriter and a DB on an in-memory
// env, SSTs from flushes with each block encoding, blocks from the block
// builders, and hand-picked valid text for the parsers. Deterministic: a
// manual clock stands in for time, so rerunning gives the same files.
//
//   strata_fuzz_corpus OUT_DIR   (writes OUT_DIR/<target>/seed-NN)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "env/manual_clock_env.h"
#include "lsm/block.h"
#include "lsm/dbformat.h"
#include "lsm/log_writer.h"
#include "lsm/version_edit.h"
#include "lsm/write_batch_internal.h"
#include "strata/db.h"
#include "strata/env.h"
#include "util/coding.h"

namespace strata {
namespace {

class Corpus {
 public:
  explicit Corpus(std::filesystem::path root) : root_(std::move(root)) {}
  void Add(const std::string& target, std::string_view bytes) {
    std::filesystem::path dir = root_ / target;
    std::filesystem::create_directories(dir);
    int n = counts_[target]++;
    std::ofstream out(dir / absl::StrFormat("seed-%02d", n), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

 private:
  std::filesystem::path root_;
  std::map<std::string, int> counts_;
};

std::string ReadOrDie(Env* env, const std::string& path) {
  auto s = ReadFileToString(env, path);
  if (!s.ok()) {
    std::fprintf(stderr, "read %s: %s\n", path.c_str(),
                 std::string(s.status().message()).c_str());
    std::exit(1);
  }
  return *s;
}

std::vector<WriteBatch> SampleBatches() {
  std::vector<WriteBatch> out(4);
  out[0].Put("cpu,host=a", 1000, "0.5");
  out[0].Put("cpu,host=b", 2000, "1.5", Expiry::At(5000));
  out[1].Delete("cpu,host=a", 1000);
  out[1].Put("mem", -7, std::string(40, 'm'), Expiry::Ttl(absl::Seconds(3)));
  out[2].DeleteRange("a", "m", 0, 10'000);
  out[2].DeleteRange("x", "");
  for (int i = 0; i < 20; i++) {
    out[3].Put(absl::StrFormat("k%03d", i), i * 1000, absl::StrFormat("%d", i));
  }
  return out;
}

void MakeWals(Env* env, Corpus* c) {
  const std::vector<WriteBatch> batches = SampleBatches();
  // Which sample batches each WAL holds, in order.
  const std::vector<std::vector<int>> wals = {{0, 1}, {0, 1, 2, 3}, {2, 3}};
  for (size_t w = 0; w < wals.size(); w++) {
    const std::string path = absl::StrFormat("/w/%d.log", w);
    auto f = env->NewWritableFile(path);
    if (!f.ok()) std::exit(1);
    LogWriter log(f->get());
    (void)log.WriteHeader("STRATAWL", 7 + w);
    SequenceNumber seq = 1;
    for (int i : wals[w]) {
      std::string rep(WriteBatchInternal::Contents(batches[i]));
      TtlContext ttl;
      ttl.write_time = 1'700'000'000'000'000'000;
      ttl.default_ttl = w == 1 ? 1'000'000'000 : 0;
      WriteBatchInternal::SetHeader(&rep, seq, ttl);
      seq += WriteBatchInternal::Count(rep);
      (void)log.AddRecord(rep);
    }
    (void)(*f)->Close();
    c->Add("fuzz_wal_reader", ReadOrDie(env, path));
  }
}

// A DB per block encoding: the SSTs of a flush and the manifest.
void MakeTablesAndManifests(Env* base, Corpus* c) {
  const BlockEncodingChoice encodings[] = {BlockEncodingChoice::kRow,
                                           BlockEncodingChoice::kColumnar,
                                           BlockEncodingChoice::kAuto};
  int n = 0;
  for (BlockEncodingChoice enc : encodings) {
    ManualClockEnv clock(base);
    Options o;
    o.env = &clock;
    o.block_encoding = enc;
    o.compression = n == 2;
    o.block_size = 256;  // small entries: blocks cut at 1 KiB
    o.time_window_ns = 1'000'000;
    const std::string dir = absl::StrFormat("/db%d", n++);
    {
      auto db = DB::Open(o, dir);
      if (!db.ok()) std::exit(1);
      WriteOptions wo;
      for (int i = 0; i < 60; i++) {
        (void)(*db)->Put(wo, absl::StrFormat("cpu,host=h%d", i % 3), i * 10'000,
                         absl::StrFormat("%d.%d", i, i * 7),
                         i % 5 == 0 ? Expiry::At(1'900'000'000'000'000'000)
                                    : Expiry::Default());
      }
      (void)(*db)->Delete(wo, "cpu,host=h1", 10'000);
      (void)(*db)->DeleteRange(wo, "cpu,host=h2", "cpu,host=h3", 0, 200'000);
      (void)(*db)->Flush();
    }
    auto children = clock.GetChildren(dir);
    for (const std::string& name : *children) {
      const std::string path = dir + "/" + name;
      if (name.ends_with(".sst")) {
        c->Add("fuzz_sst", ReadOrDie(&clock, path));
      } else if (name.starts_with("MANIFEST-")) {
        c->Add("fuzz_manifest", "\x01" + ReadOrDie(&clock, path));
      }
    }
  }
}

void MakeEdits(Corpus* c) {
  VersionEdit e;
  e.log_number = 12;
  e.next_file_number = 40;
  e.last_sequence = 999;
  e.time_window_ns = 86'400'000'000'000;
  FileMeta f;
  f.number = 17;
  f.file_size = 4096;
  f.window_id = 19'700;
  f.level = 1;
  AppendInternalKey(&f.smallest, "a", 1, 5, ValueKind::kPut);
  AppendInternalKey(&f.largest, "z", 9, 2, ValueKind::kDelete);
  f.min_ts = 1;
  f.max_ts = 9;
  f.num_records = 10;
  f.max_seq = 5;
  e.AddFile(f);
  e.DeleteFile(19'699, 3);
  std::string rep;
  e.EncodeTo(&rep);
  c->Add("fuzz_manifest", std::string(1, '\0') + rep);
  VersionEdit small;
  small.log_number = 3;
  rep.clear();
  small.EncodeTo(&rep);
  c->Add("fuzz_manifest", std::string(1, '\0') + rep);
}

void MakeBlocks(Corpus* c) {
  // fuzz_block's decoder byte: 0 row, 1 columnar, 2 packed row.
  for (int decoder = 0; decoder < 3; decoder++) {
    for (int shape = 0; shape < 3; shape++) {
      auto b = decoder == 1 ? NewColumnarBlockBuilder()
                            : NewRowBlockBuilder(
                                  4, decoder == 2 ? BlockEncoding::kRowPacked
                                                  : BlockEncoding::kRow);
      SequenceNumber seq = 100;
      for (int i = 0; i < 24; i++) {
        std::string key;
        std::string user =
            shape == 0 ? "cpu,host=a" : absl::StrFormat("s%02d", i / 4);
        AppendInternalKey(&key, user, int64_t{1000} * i + (shape == 2 ? i : 0),
                          shape == 1 ? 0 : seq--, ValueKind::kPut);
        std::string value = shape == 2 ? absl::StrFormat("v%d", i)
                                       : absl::StrFormat("%d.25", i * 3);
        b->Add(key, i % 6 == 0 ? 5'000'000 : kNeverExpires, value);
      }
      std::string payload(b->Finish());
      std::string in(1, static_cast<char>(decoder));
      PutFixed32(&in, b->count());
      c->Add("fuzz_block", in + payload);
    }
  }
}

void MakeText(Corpus* c) {
  for (const char* lp : {
           "cpu,host=a,region=us value=0.5 1700000000000000000\n",
           "mem used=12i,free=3u,ok=t,name=\"x \\\"y\\\"\" 1\n"
           "# comment\n\ndisk,path=/a\\ b total=1e9\n",
           "weather,city=Z\\,rich temp=-1.5,hum=.5 1700000000\r\n",
       }) {
    c->Add("fuzz_line_protocol", lp);
  }
  for (const char* q : {
           "SELECT mean(value) FROM cpu WHERE host = 'a' AND time > now() - "
           "1h GROUP BY time(1m), host fill(none) ORDER BY time DESC LIMIT 10",
           "SELECT * FROM \"db\".\"rp\".\"cpu\" WHERE region =~ /us-.*/ OR "
           "(x >= -1.5 AND y != 'q')",
           "SHOW MEASUREMENTS; SHOW TAG KEYS FROM cpu; SHOW FIELD KEYS",
           "SELECT count(v), percentile(v, 95) INTO x FROM m SLIMIT 2 "
           "SOFFSET 1",
           "DELETE FROM cpu WHERE time < '2024-01-01T00:00:00Z'",
           "host = 'a' AND (time >= 10s OR value * 2 > 3.5)",
       }) {
    c->Add("fuzz_influxql", q);
  }
  for (
      const char* f : {
          R"({"a": 5})",
          R"({"a": {"$gt": 1, "$lt": 5}, "b.c": {"$in": [1, "x", null]}})",
          R"({"$or": [{"x": {"$exists": false}}, {"tags": {"$ne": "y"}}]})",
          R"({"$nor": [{"n": {"$gte": -1.5e10}}], "d": {"$not": {"$eq": [1, {"k": true}]}}})",
          R"({"arr.0.name": {"$nin": ["a", "b"]}, "u": 18446744073709551615})",
      }) {
    c->Add("fuzz_filter", f);
  }
}

}  // namespace
}  // namespace strata

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  std::unique_ptr<strata::Env> env = strata::NewMemEnv();
  strata::Corpus c(argv[1]);
  (void)env->CreateDir("/w");
  strata::MakeWals(env.get(), &c);
  strata::MakeTablesAndManifests(env.get(), &c);
  strata::MakeEdits(&c);
  strata::MakeBlocks(&c);
  strata::MakeText(&c);
  return 0;
}
