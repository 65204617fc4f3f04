// Shared helpers of the fuzz targets: a check that crashes loudly (so
// libFuzzer and the corpus replay driver both report it), an in-memory
// file written from the fuzz input, and checksum repair for the log and
// SST formats. Repair matters: almost every mutation of a checksummed file
// fails its CRC, so without it the decoders behind the checks would never
// see mutated bytes. Every target runs the input as given and repaired.
#ifndef STRATA_FUZZ_FUZZ_UTIL_H_
#define STRATA_FUZZ_FUZZ_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "strata/env.h"
#include "util/coding.h"
#include "util/crc32c.h"

// Fails the run: a documented property of the code under test is broken.
#define FUZZ_CHECK(cond)                                               \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                   \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

namespace strata::fuzz {

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Writes data as path in env (an in-memory env in every target).
inline bool WriteFile(Env* env, const std::string& path,
                      std::string_view data) {
  auto f = env->NewWritableFile(path);
  if (!f.ok()) return false;
  bool ok = (*f)->Append(data).ok();
  return (*f)->Close().ok() && ok;
}

inline uint32_t MaskedCrc(std::string_view a, std::string_view b = {}) {
  return crc32c::Mask(
      crc32c::Extend(crc32c::Value(a.data(), a.size()), b.data(), b.size()));
}

// schema/log.md: a 24-byte file header (CRC of bytes [0, 20) at 20), then
// records of crc(4) | length(4) | type(1) | payload, the CRC covering
// length, type and payload. Rewrites every CRC it can reach.
inline std::string RepairLogChecksums(std::string s) {
  constexpr size_t kHeader = 24, kRecordHeader = 9;
  if (s.size() < kHeader) return s;
  EncodeFixed32(s.data() + 20, MaskedCrc(std::string_view(s.data(), 20)));
  size_t off = kHeader;
  while (off + kRecordHeader <= s.size()) {
    uint32_t len = DecodeFixed32(s.data() + off + 4);
    if (len > s.size() - off - kRecordHeader) break;
    EncodeFixed32(s.data() + off,
                  MaskedCrc(std::string_view(s.data() + off + 4, 5 + len)));
    off += kRecordHeader + len;
  }
  return s;
}

// schema/sst.md: blocks of a 56-byte header (CRC at 52 over header bytes
// [0, 52) and the stored payload) laid end to end, then an 80-byte footer
// (CRC at 64 over bytes [0, 64) and [68, 80)).
inline std::string RepairSstChecksums(std::string s) {
  constexpr size_t kHeader = 56, kFooter = 80;
  if (s.size() < kFooter) return s;
  const size_t footer = s.size() - kFooter;
  size_t off = 0;
  while (off + kHeader <= footer) {
    uint32_t stored = DecodeFixed32(s.data() + off + 12);
    if (stored > footer - off - kHeader) break;
    EncodeFixed32(
        s.data() + off + 52,
        MaskedCrc(std::string_view(s.data() + off, 52),
                  std::string_view(s.data() + off + kHeader, stored)));
    off += kHeader + stored;
  }
  EncodeFixed32(s.data() + footer + 64,
                MaskedCrc(std::string_view(s.data() + footer, 64),
                          std::string_view(s.data() + footer + 68, 12)));
  return s;
}

}  // namespace strata::fuzz

#endif  // STRATA_FUZZ_FUZZ_UTIL_H_
