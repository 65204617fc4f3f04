// Row block entries (schema/sst.md, encodings 1 and 3): parsing one entry
// and rebuilding its key, shared by the row block reader
// (row_block.cc), its point reads (row_block_point.cc) and its iterator
// (row_block_iterator.cc).
#ifndef STRATA_LSM_ROW_BLOCK_ENTRY_H_
#define STRATA_LSM_ROW_BLOCK_ENTRY_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lsm/dbformat.h"
#include "lsm/row_block_format.h"
#include "util/coding.h"

namespace strata::row_block_internal {

// Varint decoding with the one- and two-byte cases inline: lengths and shared
// prefixes are almost always below 128, and a document's value length
// (shifted left for the flags) below 16384.
inline const char* Varint32(const char* p, const char* end, uint32_t* v) {
  if (p < end && (static_cast<unsigned char>(*p) & 0x80) == 0) {
    *v = static_cast<unsigned char>(*p);
    return p + 1;
  }
  return GetVarint32Ptr(p, end, v);
}
inline const char* Varint64(const char* p, const char* end, uint64_t* v) {
  if (p < end) {
    const uint32_t b0 = static_cast<unsigned char>(p[0]);
    if ((b0 & 0x80) == 0) {
      *v = b0;
      return p + 1;
    }
    if (end - p >= 2) {
      const uint32_t b1 = static_cast<unsigned char>(p[1]);
      if ((b1 & 0x80) == 0) {
        *v = (b0 & 0x7f) | b1 << 7;
        return p + 2;
      }
    }
  }
  return GetVarint64Ptr(p, end, v);
}

// One parsed entry; pointers into the payload. In a packed block the key
// bytes (shared, unshared, key_delta) are the user key's and the trailer
// comes from ts and seq_kind; in a kRow block they cover the whole
// internal key.
struct Entry {
  uint32_t shared = 0;
  uint32_t unshared = 0;
  uint64_t value_len = 0;
  bool has_expiry = false;
  bool packed = false;
  int64_t expire_delta = 0;
  Timestamp ts = 0;       // packed only
  uint64_t seq_kind = 0;  // packed only: seq << 8 | kind
  const char* key_delta = nullptr;
  const char* value = nullptr;
  uint32_t next = 0;  // offset of the following entry
};

// Parses the entry at `off`; false if it does not fit below `limit`.
// `trailers`: the block's bases if it is packed, else null.
inline bool ParseEntry(const char* base, uint32_t off, uint32_t limit,
                       const TrailerBase* trailers, Entry* e) {
  const char* p = base + off;
  const char* end = base + limit;
  uint64_t flag;
  if ((p = Varint32(p, end, &e->shared)) == nullptr) return false;
  if ((p = Varint32(p, end, &e->unshared)) == nullptr) return false;
  if ((p = Varint64(p, end, &flag)) == nullptr) return false;
  e->has_expiry = (flag & 1) != 0;
  e->packed = trailers != nullptr;
  if (e->packed) {
    e->value_len = flag >> 2;
    uint64_t steps, seq;
    if ((p = Varint64(p, end, &steps)) == nullptr) return false;
    if ((p = Varint64(p, end, &seq)) == nullptr) return false;
    // The base is at most kMaxSequenceNumber (checked when decoded).
    if (seq > kMaxSequenceNumber - trailers->seq) return false;
    e->ts = static_cast<Timestamp>(static_cast<uint64_t>(trailers->ts) +
                                   steps * trailers->ts_unit);
    e->seq_kind = (trailers->seq + seq) << 8 | ((flag >> 1) & 1);
  } else {
    e->value_len = flag >> 1;
  }
  e->expire_delta = 0;
  if (e->has_expiry) {
    uint64_t z;
    if ((p = Varint64(p, end, &z)) == nullptr) return false;
    e->expire_delta = ZigZagDecode(z);
  }
  uint64_t avail = static_cast<uint64_t>(end - p);
  if (e->unshared > avail || e->value_len > avail - e->unshared) return false;
  e->key_delta = p;
  e->value = p + e->unshared;
  e->next = static_cast<uint32_t>(e->value + e->value_len - base);
  return true;
}

// The size of entry e's internal key.
inline size_t KeySize(const Entry& e) {
  return size_t{e.shared} + e.unshared + (e.packed ? kInternalKeyTrailer : 0);
}

// Whether e's shared prefix fits in the previous internal key (of
// prev_size bytes; a packed entry shares only user-key bytes).
inline bool SharedFits(const Entry& e, size_t prev_size) {
  if (!e.packed) return e.shared <= prev_size;
  return e.shared == 0 || (prev_size >= kInternalKeyTrailer &&
                           e.shared <= prev_size - kInternalKeyTrailer);
}

// Whether the entry's whole internal key lies in the payload (kRow
// restarts), to be compared where it is.
inline bool KeyInPlace(const Entry& e) { return !e.packed && e.shared == 0; }

// Writes a packed entry's trailer at dst (16 bytes).
inline void WriteTrailer(char* dst, const Entry& e) {
  EncodeOrderedInt64(dst, e.ts);
  EncodeBigEndian64(dst + 8, ~e.seq_kind);
}

// Replaces *key, the previous entry's internal key, with e's.
inline void AppendKey(std::string* key, const Entry& e) {
  key->resize(e.shared);
  key->append(e.key_delta, e.unshared);
  if (e.packed) {
    char t[kInternalKeyTrailer];
    WriteTrailer(t, e);
    key->append(t, sizeof(t));
  }
}

// Keys up to this size are rebuilt from their shared prefix in a buffer on
// the stack, longer ones in a string.
constexpr size_t kInlineKeyBytes = 128;

// The key of entry e, whose previous key is `prev`: rebuilt into `buf`
// (kInlineKeyBytes) or, when longer, *scratch; prev may lie in either.
inline std::string_view RebuildKey(std::string_view prev, const Entry& e,
                                   char* buf, std::string* scratch) {
  const size_t size = KeySize(e);
  char* dst;
  if (size <= kInlineKeyBytes) {
    if (prev.data() != buf && e.shared > 0) {
      std::memcpy(buf, prev.data(), e.shared);
    }
    dst = buf;
  } else {
    if (prev.data() != scratch->data()) scratch->assign(prev);
    scratch->resize(size);
    dst = scratch->data();
  }
  std::memcpy(dst + e.shared, e.key_delta, e.unshared);
  if (e.packed) WriteTrailer(dst + e.shared + e.unshared, e);
  return std::string_view(dst, size);
}

// Compares the internal key of e, an entry at a restart, with target.
inline int CompareRestartKey(const Entry& e, std::string_view target) {
  const std::string_view k(e.key_delta, e.unshared);
  if (!e.packed) return CompareInternalKeys(k, target);
  const int c = k.compare(ExtractUserKey(target));
  if (c != 0) return c;
  char t[kInternalKeyTrailer];
  WriteTrailer(t, e);
  return std::string_view(t, kInternalKeyTrailer)
      .compare(target.substr(target.size() - kInternalKeyTrailer));
}

// The user key of e, an entry at a restart.
inline std::string_view RestartUserKeyOf(const Entry& e) {
  const std::string_view k(e.key_delta, e.unshared);
  return e.packed ? k : ExtractUserKey(k);
}

// For two internal keys of the same user key: whether a sorts before b
// (their 16-byte trailers compared as two big-endian words).
inline bool TrailerBefore(std::string_view a, std::string_view b) {
  const char* ta = a.data() + a.size() - kInternalKeyTrailer;
  const char* tb = b.data() + b.size() - kInternalKeyTrailer;
  const uint64_t a0 = DecodeBigEndian64(ta), b0 = DecodeBigEndian64(tb);
  if (a0 != b0) return a0 < b0;
  return DecodeBigEndian64(ta + 8) < DecodeBigEndian64(tb + 8);
}

}  // namespace strata::row_block_internal

#endif  // STRATA_LSM_ROW_BLOCK_ENTRY_H_
