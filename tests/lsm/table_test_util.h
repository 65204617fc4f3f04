// Helpers for the SST tests: in-memory files (so tests can corrupt and
// truncate bytes directly), internal-key construction, and one-call
// build/open of a table from a sorted entry list.
#ifndef STRATA_TESTS_LSM_TABLE_TEST_UTIL_H_
#define STRATA_TESTS_LSM_TABLE_TEST_UTIL_H_

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lsm/dbformat.h"
#include "lsm/table_builder.h"
#include "lsm/table_reader.h"
#include "strata/env.h"
#include "util/random.h"

namespace strata {

class StringSink final : public WritableFile {
 public:
  absl::Status Append(std::string_view data) override {
    contents_.append(data.data(), data.size());
    return absl::OkStatus();
  }
  absl::Status Flush() override { return absl::OkStatus(); }
  absl::Status Sync() override { return absl::OkStatus(); }
  absl::Status Close() override { return absl::OkStatus(); }
  const std::string& contents() const { return contents_; }

 private:
  std::string contents_;
};

// Serves reads from a string; counts them so tests can prove a block was
// not read.
class StringSource final : public RandomAccessFile {
 public:
  explicit StringSource(std::string contents, std::atomic<int>* reads = nullptr)
      : contents_(std::move(contents)), reads_(reads) {}
  absl::Status Read(uint64_t offset, size_t n, std::string_view* result,
                    char* scratch) const override {
    if (reads_ != nullptr) reads_->fetch_add(1);
    if (offset > contents_.size()) {
      *result = {};
      return absl::OkStatus();
    }
    n = std::min<uint64_t>(n, contents_.size() - offset);
    std::memcpy(scratch, contents_.data() + offset, n);
    *result = std::string_view(scratch, n);
    return absl::OkStatus();
  }

 private:
  std::string contents_;
  std::atomic<int>* reads_;
};

struct TestEntry {
  std::string key;  // internal key
  int64_t expire_at = kNeverExpires;
  std::string value;
};

inline std::string IKey(std::string_view user_key, Timestamp ts,
                        SequenceNumber seq = 1,
                        ValueKind kind = ValueKind::kPut) {
  std::string k;
  AppendInternalKey(&k, user_key, ts, seq, kind);
  return k;
}

inline void SortEntries(std::vector<TestEntry>* entries) {
  std::sort(entries->begin(), entries->end(),
            [](const TestEntry& a, const TestEntry& b) {
              return CompareInternalKeys(a.key, b.key) < 0;
            });
}

// Sorts and keeps the first of entries with equal keys (a table holds each
// internal key once).
inline void SortUniqueEntries(std::vector<TestEntry>* entries) {
  SortEntries(entries);
  entries->erase(std::unique(entries->begin(), entries->end(),
                             [](const TestEntry& a, const TestEntry& b) {
                               return a.key == b.key;
                             }),
                 entries->end());
}

// Builds a table in memory; fails the test on a build error.
inline std::string BuildTable(
    const TableBuildOptions& options, const std::vector<TestEntry>& entries,
    const std::vector<RangeTombstone>& tombstones = {},
    TableProperties* props = nullptr) {
  StringSink sink;
  TableBuilder b(options, &sink, "test.sst");
  for (const TestEntry& e : entries) b.Add(e.key, e.expire_at, e.value);
  for (const RangeTombstone& t : tombstones) b.AddRangeTombstone(t);
  absl::Status s = b.Finish();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(b.FileSize(), sink.contents().size());
  if (props != nullptr) *props = b.properties();
  return sink.contents();
}

inline absl::StatusOr<std::shared_ptr<Table>> OpenTable(
    std::string contents, BlockCache* cache = nullptr,
    ReadStats* stats = nullptr, uint64_t file_number = 1,
    std::atomic<int>* reads = nullptr) {
  uint64_t size = contents.size();
  return Table::Open(std::make_unique<StringSource>(std::move(contents), reads),
                     size, "test.sst", file_number, cache, stats);
}

// Every entry the iterator yields from SeekToFirst on; records its status.
inline std::vector<TestEntry> ReadAll(InternalIterator* it,
                                      absl::Status* status = nullptr) {
  std::vector<TestEntry> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.push_back(TestEntry{std::string(it->key()), it->expire_at(),
                            std::string(it->value())});
  }
  if (status != nullptr) *status = it->status();
  return out;
}

inline bool SameEntry(const TestEntry& a, const TestEntry& b) {
  return a.key == b.key && a.expire_at == b.expire_at && a.value == b.value;
}

inline std::string DescribeKey(std::string_view ikey) {
  ParsedInternalKey pk;
  if (!ParseInternalKey(ikey, &pk)) return "<bad key>";
  return absl::StrFormat("'%s'@%d#%d/%d", pk.user_key, pk.ts, pk.seq,
                         static_cast<int>(pk.kind));
}

// Expects `it` to be positioned on ref[i], or invalid when i is out of range.
inline void ExpectAt(const std::vector<TestEntry>& ref, InternalIterator* it,
                     int64_t i, std::string_view what) {
  if (i < 0 || i >= static_cast<int64_t>(ref.size())) {
    EXPECT_FALSE(it->Valid())
        << what << ": unexpectedly at " << DescribeKey(it->key());
    EXPECT_TRUE(it->status().ok()) << what << ": " << it->status();
    return;
  }
  ASSERT_TRUE(it->Valid()) << what << ": expected " << DescribeKey(ref[i].key)
                           << " status " << it->status();
  EXPECT_EQ(DescribeKey(it->key()), DescribeKey(ref[i].key)) << what;
  EXPECT_EQ(it->value(), ref[i].value) << what;
  EXPECT_EQ(it->expire_at(), ref[i].expire_at) << what;
}

// Checks every iterator operation against the sorted reference `ref`:
// full forward and backward walks, Seek/SeekForPrev to every `stride`-th
// entry with a step each way, and `random_seeks` random targets.
inline void CheckIterator(const std::vector<TestEntry>& ref,
                          InternalIterator* it, uint64_t seed, size_t stride,
                          int random_seeks) {
  int64_t n = static_cast<int64_t>(ref.size());
  int64_t i = 0;
  for (it->SeekToFirst(); it->Valid() && i < n; it->Next(), i++) {
    ExpectAt(ref, it, i, "forward walk");
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(i, n) << "forward walk length";
  ExpectAt(ref, it, n, "end of forward walk");
  i = n - 1;
  for (it->SeekToLast(); it->Valid() && i >= 0; it->Prev(), i--) {
    ExpectAt(ref, it, i, "backward walk");
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(i, -1) << "backward walk length";
  ExpectAt(ref, it, -1, "end of backward walk");

  for (int64_t j = 0; j < n; j += std::max<size_t>(stride, 1)) {
    it->Seek(ref[j].key);
    ExpectAt(ref, it, j, "seek");
    if (!it->Valid()) return;
    it->Prev();
    ExpectAt(ref, it, j - 1, "prev after seek");
    it->SeekForPrev(ref[j].key);
    ExpectAt(ref, it, j, "seek for prev");
    if (!it->Valid()) return;
    it->Next();
    ExpectAt(ref, it, j + 1, "next after seek for prev");
    if (::testing::Test::HasFatalFailure()) return;
  }

  // Random targets: user keys near the reference keys, any ts and seq.
  Random rnd(seed);
  auto less = [](const TestEntry& e, std::string_view k) {
    return CompareInternalKeys(e.key, k) < 0;
  };
  for (int r = 0; r < random_seeks && n > 0; r++) {
    const TestEntry& near = ref[rnd.Uniform(n)];
    ParsedInternalKey pk;
    ASSERT_TRUE(ParseInternalKey(near.key, &pk));
    std::string user(pk.user_key);
    if (rnd.OneIn(3)) user.push_back('\x01');
    if (rnd.OneIn(3) && !user.empty()) user.pop_back();
    Timestamp ts = pk.ts;
    if (ts > kMinTimestamp + 2 && ts < kMaxTimestamp - 2) {
      ts += static_cast<int64_t>(rnd.Uniform(5)) - 2;
    }
    std::string target =
        SeekKey(user, ts, rnd.OneIn(2) ? kMaxSequenceNumber : rnd.Uniform(100));
    int64_t lb =
        std::lower_bound(ref.begin(), ref.end(), target, less) - ref.begin();
    it->Seek(target);
    ExpectAt(ref, it, lb, "random seek");
    // Last entry <= target.
    int64_t ub =
        lb < n && CompareInternalKeys(ref[lb].key, target) == 0 ? lb : lb - 1;
    it->SeekForPrev(target);
    ExpectAt(ref, it, ub, "random seek for prev");
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// Random sorted entries with unique internal keys: user keys with shared
// prefixes, a few timestamps and versions each, puts and deletes, varied
// expiry and values.
inline std::vector<TestEntry> RandomEntries(uint64_t seed, size_t n,
                                            size_t max_value = 64) {
  Random rnd(seed);
  std::vector<TestEntry> out;
  out.reserve(n);
  size_t users = std::max<size_t>(1, n / 4);
  for (size_t i = 0; i < n; i++) {
    std::string user = absl::StrFormat("user%06d", rnd.Uniform(users));
    if (rnd.OneIn(4)) user.append(rnd.Uniform(20), 'x');
    Timestamp ts = static_cast<int64_t>(rnd.Uniform(1000)) - 500;
    if (rnd.OneIn(50)) ts = rnd.OneIn(2) ? kMinTimestamp : kMaxTimestamp;
    SequenceNumber seq = rnd.Uniform(1000);
    ValueKind kind = rnd.OneIn(8) ? ValueKind::kDelete : ValueKind::kPut;
    int64_t expire = kNeverExpires;
    switch (rnd.Uniform(4)) {
      case 0:
        if (ts < kMaxTimestamp - 10000) {
          expire = ts + static_cast<int64_t>(rnd.Uniform(10000));
        }
        break;
      case 1:
        expire = static_cast<int64_t>(rnd.Next());  // anything at all
        break;
      default:
        break;
    }
    std::string value(rnd.Uniform(max_value + 1), '\0');
    for (char& c : value) c = static_cast<char>('a' + rnd.Uniform(4));
    out.push_back(TestEntry{IKey(user, ts, seq, kind), expire, value});
  }
  SortUniqueEntries(&out);
  return out;
}

}  // namespace strata

#endif  // STRATA_TESTS_LSM_TABLE_TEST_UTIL_H_
