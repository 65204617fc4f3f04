// Fuzz target: opening and reading an SST (schema/sst.md). The input is a
// whole file in an in-memory env: Table::Open, then a full forward scan, a
// short backward scan, seeks to every index key, bloom probes and
// VerifyAllBlocks. Run as given (exercising the checksum and footer
// checks) and with every block and footer checksum repaired (exercising
// the index, properties, tombstone and data block decoders).
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "lsm/block_cache.h"
#include "lsm/dbformat.h"
#include "lsm/read_stats.h"
#include "lsm/table_reader.h"

namespace strata::fuzz {
namespace {

void ReadTable(Env* env, const std::string& data) {
  const std::string path = "/fuzz/000009.sst";
  if (!WriteFile(env, path, data)) return;
  auto file = env->NewRandomAccessFile(path);
  if (!file.ok()) return;
  BlockCache cache(1 << 20);
  ReadStats stats;
  auto table =
      Table::Open(std::move(*file), data.size(), path, 9, &cache, &stats);
  if (!table.ok()) return;
  (void)(*table)->VerifyAllBlocks();
  for (bool fill : {false, true}) {
    TableReadOptions ro;
    ro.fill_cache = fill;
    auto it = (*table)->NewIterator(ro);
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      FUZZ_CHECK(it->key().size() >= kInternalKeyTrailer);
      (void)it->value();
      (void)it->expire_at();
      n++;
    }
    int back = 0;
    for (it->SeekToLast(); it->Valid() && back < 64; it->Prev()) back++;
    for (const IndexEntry& e : (*table)->index()) {
      it->Seek(e.first_key);
      it->SeekForPrev(e.last_key);
      if (e.first_key.size() >= kInternalKeyTrailer) {
        (void)(*table)->KeyMayMatch(ExtractUserKey(e.first_key));
        (void)(*table)->ApproximateOffsetOf(e.first_key);
      }
    }
  }
  TableReadOptions window;
  window.t0 = 0;
  window.t1 = 1000;
  window.now = 1;
  auto it = (*table)->NewIterator(window);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
  }
  for (const RangeTombstone& t : (*table)->range_tombstones()) {
    (void)t.CoversKey("k");
  }
}

}  // namespace
}  // namespace strata::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::fuzz;
  static strata::Env* env = strata::NewMemEnv().release();
  std::string input(AsView(data, size));
  ReadTable(env, input);
  ReadTable(env, RepairSstChecksums(input));
  return 0;
}
