// Fuzz target: the WAL read path. The input is a WAL file: the log reader
// (schema/log.md) reads it in normal and salvage mode, every record goes
// through batch validation (schema/wal.md) and, if valid, into a fresh
// memtable that is then iterated. Run as given and with checksums
// repaired, so mutations reach the batch decoder.
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "lsm/log_reader.h"
#include "lsm/memtable.h"
#include "lsm/write_batch_internal.h"

namespace strata::fuzz {
namespace {

void ReadWal(Env* env, const std::string& data, bool salvage) {
  const std::string path = "/fuzz/000007.log";
  if (!WriteFile(env, path, data)) return;
  auto file = env->NewSequentialFile(path);
  if (!file.ok()) return;
  LogReader reader(std::move(*file), path, data.size());
  reader.set_salvage_mode(salvage);
  uint64_t number = 0;
  if (!reader.ReadHeader("STRATAWL", &number).ok()) return;
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    FUZZ_CHECK(reader.last_record_offset() < data.size());
    if (!WriteBatchInternal::Validate(record, "fuzz").ok()) continue;
    // A fresh memtable per record: two records may repeat sequences,
    // which only a hostile file does and the memtable need not accept.
    MemTable mem;
    if (!WriteBatchInternal::InsertInto(record, &mem).ok()) continue;
    auto it = mem.NewIterator();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      (void)it->key();
      (void)it->value();
    }
  }
  if (reader.torn_tail()) FUZZ_CHECK(reader.torn_offset() <= data.size());
}

}  // namespace
}  // namespace strata::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::fuzz;
  static strata::Env* env = strata::NewMemEnv().release();
  std::string input(AsView(data, size));
  ReadWal(env, input, /*salvage=*/false);
  std::string repaired = RepairLogChecksums(input);
  ReadWal(env, repaired, /*salvage=*/false);
  ReadWal(env, repaired, /*salvage=*/true);
  return 0;
}
