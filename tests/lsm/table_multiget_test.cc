// TableMultiGet against the table iterator it stands in for: for random
// sorted targets over tables whose records have many versions (spanning
// blocks), expired blocks and both block encodings, each target gets
// exactly the entries a table iterator yields from Seek(target) while the
// (user key, ts) matches. Values emitted as pinned are checked after the
// call, from a cache too small to keep any block: the pins alone hold them.
#include "lsm/table_multiget.h"

#include <map>

#include "lsm/block_cache.h"
#include "table_test_util.h"

namespace strata {
namespace {

struct Emitted {
  std::string key;
  int64_t expire_at;
  std::string value;
  std::string_view pinned;  // the emitted view, when it was pinned
};

std::vector<Emitted> ViaIterator(const Table& table,
                                 const TableReadOptions& options,
                                 std::string_view seek) {
  std::vector<Emitted> out;
  auto it = table.NewIterator(options);
  const std::string_view uk = ExtractUserKey(seek);
  const Timestamp ts = ExtractTimestamp(seek);
  for (it->Seek(seek); it->Valid(); it->Next()) {
    if (ExtractUserKey(it->key()) != uk || ExtractTimestamp(it->key()) != ts) {
      break;
    }
    out.push_back({std::string(it->key()),
                   it->expire_at(),
                   std::string(it->value()),
                   {}});
  }
  EXPECT_TRUE(it->status().ok()) << it->status();
  return out;
}

class TableMultiGetTest : public ::testing::TestWithParam<BlockEncodingChoice> {
};

TEST_P(TableMultiGetTest, MatchesTheTableIterator) {
  size_t total_pinned = 0;
  for (uint64_t seed = 1; seed <= 12; seed++) {
    SCOPED_TRACE(absl::StrFormat("seed %d", seed));
    Random rnd(seed);
    // Few keys and timestamps, many versions: records span blocks.
    std::vector<TestEntry> entries;
    std::map<std::string, int> seen;
    const int n = 200 + static_cast<int>(rnd.Uniform(800));
    for (int i = 0; i < n; i++) {
      const std::string uk = absl::StrFormat("k%03d", rnd.Uniform(40));
      const Timestamp ts = 1000 + static_cast<Timestamp>(rnd.Uniform(6));
      const SequenceNumber seq = 1 + rnd.Uniform(100000);
      std::string key = IKey(
          uk, ts, seq, rnd.OneIn(8) ? ValueKind::kDelete : ValueKind::kPut);
      if (seen[key]++ > 0) continue;
      // A tenth of the records long expired: whole blocks become skippable.
      const int64_t expire = rnd.OneIn(10) ? 50 : kNeverExpires;
      entries.push_back({key, expire, std::string(rnd.Uniform(120), 'v')});
    }
    SortEntries(&entries);
    TableBuildOptions bo;
    bo.block_size = 256;  // cut at 1 KiB, short of 128 entries
    bo.encoding = GetParam();
    // Half the seeds: a cache that keeps no block beyond its use.
    BlockCache cache(seed % 2 == 0 ? 1 << 20 : 1);
    auto table = OpenTable(BuildTable(bo, entries), &cache);
    ASSERT_TRUE(table.ok()) << table.status();

    for (int round = 0; round < 20; round++) {
      TableReadOptions ro;
      ro.now = rnd.OneIn(2) ? 100 : kMinTimestamp;
      if (rnd.OneIn(3)) {
        ro.t0 = 1000 + static_cast<Timestamp>(rnd.Uniform(3));
        ro.t1 = ro.t0 + 1 + static_cast<Timestamp>(rnd.Uniform(4));
      }
      const SequenceNumber read_seq =
          rnd.OneIn(3) ? kMaxSequenceNumber : 1 + rnd.Uniform(100000);
      std::vector<std::string> seeks;
      const int m = 1 + static_cast<int>(rnd.Uniform(40));
      for (int i = 0; i < m; i++) {
        // Some targets past every key, some repeated.
        const std::string uk = absl::StrFormat("k%03d", rnd.Uniform(44));
        seeks.push_back(SeekKey(
            uk, 999 + static_cast<Timestamp>(rnd.Uniform(8)), read_seq));
        if (rnd.OneIn(10)) seeks.push_back(seeks.back());
      }
      std::sort(seeks.begin(), seeks.end(), InternalKeyLess());
      std::vector<TablePointTarget> targets;
      for (size_t i = 0; i < seeks.size(); i++) {
        targets.push_back({seeks[i], static_cast<uint32_t>(i)});
      }
      std::vector<std::vector<Emitted>> got(seeks.size());
      BlockPins pins;
      const bool pin = rnd.OneIn(2);
      // Half the rounds, the caller decides some targets early: their
      // emission must stop right there.
      const bool stop_early = rnd.OneIn(2);
      std::vector<bool> stopped(seeks.size());
      absl::Status s = TableMultiGet(
          **table, ro, targets,
          [&](uint32_t id, const ParsedInternalKey& ik, int64_t expire_at,
              std::string_view value, bool is_pinned) -> bool {
            EXPECT_TRUE(pin || !is_pinned);
            std::string key;
            AppendInternalKey(&key, ik.user_key, ik.ts, ik.seq, ik.kind);
            got[id].push_back({key, expire_at, std::string(value),
                               is_pinned ? value : std::string_view()});
            total_pinned += is_pinned;
            if (stop_early && rnd.OneIn(3)) {
              EXPECT_FALSE(stopped[id]) << "emitted after the caller stopped";
              stopped[id] = true;
              return false;
            }
            return true;
          },
          pin ? &pins : nullptr);
      ASSERT_TRUE(s.ok()) << s;

      for (size_t i = 0; i < seeks.size(); i++) {
        std::vector<Emitted> want = ViaIterator(**table, ro, seeks[i]);
        if (stopped[i]) {
          ASSERT_LE(got[i].size(), want.size()) << DescribeKey(seeks[i]);
          want.resize(got[i].size());
        }
        ASSERT_EQ(got[i].size(), want.size()) << DescribeKey(seeks[i]);
        for (size_t j = 0; j < want.size(); j++) {
          EXPECT_EQ(DescribeKey(got[i][j].key), DescribeKey(want[j].key));
          EXPECT_EQ(got[i][j].expire_at, want[j].expire_at);
          EXPECT_EQ(got[i][j].value, want[j].value);
          if (got[i][j].pinned.data() != nullptr) {
            EXPECT_EQ(got[i][j].pinned, want[j].value);
          }
        }
      }
    }
  }
  EXPECT_GT(total_pinned, 0u);  // the pinned path ran
}

INSTANTIATE_TEST_SUITE_P(Encodings, TableMultiGetTest,
                         ::testing::Values(BlockEncodingChoice::kRow,
                                           BlockEncodingChoice::kAuto,
                                           BlockEncodingChoice::kColumnar));

}  // namespace
}  // namespace strata
