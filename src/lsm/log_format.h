// Constants of the log framing shared by the WAL and the manifest. The byte
// layout is specified in schema/log.md; change both together and bump
// kLogFormatVersion for any incompatible change.
#ifndef STRATA_LSM_LOG_FORMAT_H_
#define STRATA_LSM_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace strata::log {

// Version written into every file header. Readers refuse newer versions.
inline constexpr uint32_t kLogFormatVersion = 1;

inline constexpr size_t kMagicSize = 8;
// magic (8) | u32 version | u64 log number | u32 masked crc of the first 20.
inline constexpr size_t kFileHeaderSize = kMagicSize + 4 + 8 + 4;
// u32 masked crc | u32 length | u8 type.
inline constexpr size_t kRecordHeaderSize = 4 + 4 + 1;
inline constexpr uint32_t kMaxRecordSize = uint32_t{1} << 30;  // 1 GiB

// Magics used inside Strata; any 8 bytes work.
inline constexpr char kWalMagic[] = "STRATAWL";
inline constexpr char kManifestMagic[] = "STRATAMF";

// Persisted: never renumber.
enum class RecordType : uint8_t {
  kInvalid = 0,  // never written: zero-filled space is not a record
  kFull = 1,
  // 2..255 reserved (e.g. fragments of records that span blocks).
};

inline bool IsKnownRecordType(uint8_t t) {
  return t == static_cast<uint8_t>(RecordType::kFull);
}

}  // namespace strata::log

#endif  // STRATA_LSM_LOG_FORMAT_H_
