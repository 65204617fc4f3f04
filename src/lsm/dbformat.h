// Internal keys: how (user key, timestamp, sequence, kind) is laid out and
// ordered inside memtables, blocks and SSTs. Byte format: schema/sst.md,
// "Internal key".
//
//   internal_key := user_key | ts (8 B, big-endian, sign bit flipped)
//                            | ~(seq << 8 | kind) (8 B, big-endian)
//
// Order: user key bytewise ascending, then ts ascending, then sequence
// descending (newest version of a (key, ts) first).
#ifndef STRATA_LSM_DBFORMAT_H_
#define STRATA_LSM_DBFORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/types.h"
#include "util/coding.h"

namespace strata {

// Persisted: never renumber.
enum class ValueKind : uint8_t {
  kDelete = 0,  // point tombstone for (key, ts)
  kPut = 1,
};
// Packed with a sequence to build seek targets: sorts before every real
// kind of the same sequence.
inline constexpr uint8_t kKindForSeek = 0xff;

inline constexpr SequenceNumber kMaxSequenceNumber = (uint64_t{1} << 56) - 1;
inline constexpr size_t kInternalKeyTrailer = 16;

struct ParsedInternalKey {
  std::string_view user_key;
  Timestamp ts = 0;
  SequenceNumber seq = 0;
  ValueKind kind = ValueKind::kPut;
};

inline uint64_t PackSeqAndKind(SequenceNumber seq, uint8_t kind) {
  return (seq << 8) | kind;
}

inline void AppendInternalKey(std::string* dst, std::string_view user_key,
                              Timestamp ts, SequenceNumber seq, uint8_t kind) {
  dst->append(user_key.data(), user_key.size());
  char buf[kInternalKeyTrailer];
  EncodeOrderedInt64(buf, ts);
  EncodeBigEndian64(buf + 8, ~PackSeqAndKind(seq, kind));
  dst->append(buf, sizeof(buf));
}
inline void AppendInternalKey(std::string* dst, std::string_view user_key,
                              Timestamp ts, SequenceNumber seq,
                              ValueKind kind) {
  AppendInternalKey(dst, user_key, ts, seq, static_cast<uint8_t>(kind));
}

inline std::string_view ExtractUserKey(std::string_view ikey) {
  return ikey.substr(0, ikey.size() - kInternalKeyTrailer);
}
inline Timestamp ExtractTimestamp(std::string_view ikey) {
  return DecodeOrderedInt64(ikey.data() + ikey.size() - kInternalKeyTrailer);
}
inline uint64_t ExtractPackedSeqKind(std::string_view ikey) {
  return ~DecodeBigEndian64(ikey.data() + ikey.size() - 8);
}
inline SequenceNumber ExtractSequence(std::string_view ikey) {
  return ExtractPackedSeqKind(ikey) >> 8;
}

// False if ikey is too short or its kind is unknown.
inline bool ParseInternalKey(std::string_view ikey, ParsedInternalKey* out) {
  if (ikey.size() < kInternalKeyTrailer) return false;
  uint64_t packed = ExtractPackedSeqKind(ikey);
  uint8_t kind = packed & 0xff;
  if (kind > static_cast<uint8_t>(ValueKind::kPut)) return false;
  out->user_key = ExtractUserKey(ikey);
  out->ts = ExtractTimestamp(ikey);
  out->seq = packed >> 8;
  out->kind = static_cast<ValueKind>(kind);
  return true;
}

inline int CompareBytes(std::string_view a, std::string_view b) {
  return a.compare(b);  // bytewise, as unsigned char
}

// Total order of internal keys. REQUIRES both are well formed.
inline int CompareInternalKeys(std::string_view a, std::string_view b) {
  int c = ExtractUserKey(a).compare(ExtractUserKey(b));
  if (c != 0) return c;
  return std::string_view(a.data() + a.size() - kInternalKeyTrailer,
                          kInternalKeyTrailer)
      .compare(std::string_view(b.data() + b.size() - kInternalKeyTrailer,
                                kInternalKeyTrailer));
}

struct InternalKeyLess {
  bool operator()(std::string_view a, std::string_view b) const {
    return CompareInternalKeys(a, b) < 0;
  }
};

// A seek target that sorts before every version of (user_key, ts) visible
// at sequence seq.
inline std::string SeekKey(std::string_view user_key, Timestamp ts,
                           SequenceNumber seq = kMaxSequenceNumber) {
  std::string k;
  k.reserve(user_key.size() + kInternalKeyTrailer);
  AppendInternalKey(&k, user_key, ts, seq, kKindForSeek);
  return k;
}

}  // namespace strata

#endif  // STRATA_LSM_DBFORMAT_H_
