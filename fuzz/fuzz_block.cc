// Fuzz target: data block decoding (schema/sst.md "Block encodings",
// schema/columnar-block.md). Input: byte 0 picks the decoder (mod 3: 0
// row, 1 columnar, 2 packed row), bytes 1-4 are the header's record count (u32,
// taken as is: a hostile count must not make the decoder allocate or loop by
// it), the rest is the payload. Whatever decodes is iterated both ways and
// sought to its own keys.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lsm/block.h"
#include "lsm/dbformat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  if (size < 5) return 0;
  const int decoder = data[0] % 3;
  const bool columnar = decoder == 1;
  const uint32_t count = DecodeFixed32(reinterpret_cast<const char*>(data + 1));
  std::string payload(reinterpret_cast<const char*>(data + 5), size - 5);
  auto block = columnar
                   ? DecodeColumnarBlock(payload, count, "fuzz")
                   : DecodeRowBlock(payload, count, "fuzz",
                                    decoder == 2 ? BlockEncoding::kRowPacked
                                                 : BlockEncoding::kRow);
  if (!block.ok()) return 0;
  (void)(*block)->MemoryUsage();
  auto it = (*block)->NewIterator();
  std::vector<std::string> keys;
  uint64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    FUZZ_CHECK(it->key().size() >= kInternalKeyTrailer);
    if (keys.size() < 32) keys.emplace_back(it->key());
    (void)it->value();
    (void)it->expire_at();
    n++;
  }
  // A decoded block holds the records its header promised.
  if (it->status().ok()) FUZZ_CHECK(n == count);
  uint64_t back = 0;
  for (it->SeekToLast(); it->Valid(); it->Prev()) back++;
  if (it->status().ok()) FUZZ_CHECK(back == n);
  for (const std::string& k : keys) {
    // Order is not checked at decode time (Table::VerifyAllBlocks does),
    // so a seek may miss; it must still terminate safely.
    it->Seek(k);
    it->SeekForPrev(k);
  }
  return 0;
}
