// Parses and validates a columnar block payload (schema/columnar-block.md)
// into arrays. It must never read outside the payload, and allocates only
// O(count) arrays (count is capped first) plus keys bounded by the payload.
#include <algorithm>
#include <array>
#include <span>

#include "lsm/columnar_columns.h"
#include "lsm/columnar_float_codec.h"
#include "lsm/columnar_format.h"
#include "lsm/columnar_int_codec.h"
#include "lsm/dbformat.h"
#include "strata/types.h"

namespace strata {
namespace {

absl::Status DecodeKeys(ByteCursor* in, uint32_t count, size_t payload_size,
                        ColumnarColumns* out, std::vector<uint32_t>* runs) {
  uint64_t run_count;
  if (!in->ReadVarint(&run_count)) return in->Error("keys: bad run count");
  if (run_count > count || (count > 0 && run_count == 0)) {
    return in->Error("keys: run count does not match entry count");
  }
  const size_t key_budget = kMaxKeyExpansion * payload_size + kMaxKeySize;
  out->key_offsets.reserve(run_count + 1);
  out->run_starts.reserve(run_count + 1);
  runs->reserve(run_count);
  out->key_offsets.push_back(0);
  out->run_starts.push_back(0);
  std::string prev;  // the previous run's key
  uint64_t entries = 0;
  for (uint64_t r = 0; r < run_count; r++) {
    uint64_t shared, suffix_len, run_len;
    std::string_view suffix;
    if (!in->ReadVarint(&shared) || !in->ReadVarint(&suffix_len)) {
      return in->Error("keys: bad key lengths");
    }
    if (shared > prev.size() || suffix_len > kMaxKeySize ||
        shared + suffix_len > kMaxKeySize) {
      return in->Error("keys: key length out of range");
    }
    if (out->key_data.size() + shared + suffix_len > key_budget) {
      return in->Error("keys: decoded keys exceed the size bound");
    }
    if (!in->ReadBytes(suffix_len, &suffix)) {
      return in->Error("keys: truncated key");
    }
    // Key r = prev[0, shared) + suffix sorts after prev iff suffix sorts
    // after prev[shared, ...).
    if (r > 0 && suffix.compare(std::string_view(prev).substr(shared)) <= 0) {
      return in->Error("keys: user keys not strictly increasing");
    }
    prev.resize(shared);
    prev.append(suffix.data(), suffix.size());
    out->key_data.append(prev);
    out->key_offsets.push_back(out->key_data.size());

    if (!in->ReadVarint(&run_len)) return in->Error("keys: bad run length");
    if (run_len == 0 || run_len > count - entries) {
      return in->Error("keys: run length out of range");
    }
    entries += run_len;
    runs->push_back(static_cast<uint32_t>(run_len));
    out->run_starts.push_back(static_cast<uint32_t>(entries));
  }
  if (entries != count) {
    return in->Error("keys: run lengths do not add up to the entry count");
  }
  if (!in->empty()) return in->Error("keys: trailing bytes");
  return absl::OkStatus();
}

// Within a run: ts non-decreasing, and for equal ts, packed strictly
// decreasing (newest first). Kinds must be known.
absl::Status CheckOrder(const ByteCursor& section, const ColumnarColumns& c) {
  for (size_t r = 0; r < c.runs(); r++) {
    for (uint32_t i = c.run_starts[r]; i < c.run_starts[r + 1]; i++) {
      if ((c.packed[i] & 0xff) > static_cast<uint8_t>(ValueKind::kPut)) {
        return section.Error("seqkind: unknown value kind");
      }
      if (i == c.run_starts[r]) continue;
      if (c.ts[i] < c.ts[i - 1] ||
          (c.ts[i] == c.ts[i - 1] && c.packed[i] >= c.packed[i - 1])) {
        return section.Error("seqkind: entries out of internal-key order");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeExpire(ByteCursor* in, std::span<const uint32_t> runs,
                          ColumnarColumns* c) {
  const uint32_t n = c->count;
  const std::array<uint32_t, 1> one_run = {n};
  std::span<const uint32_t> single(one_run.data(), n == 0 ? 0 : 1);
  uint8_t mode;
  if (!in->ReadByte(&mode)) return in->Error("expire: missing mode");
  c->expire.resize(n);
  switch (static_cast<ExpireMode>(mode)) {
    case ExpireMode::kAllNever:
      std::fill(c->expire.begin(), c->expire.end(), kNeverExpires);
      break;
    case ExpireMode::kAllTtl: {
      absl::Status s = DecodeIntColumn(in, n, runs, c->expire.data());
      if (!s.ok()) return s;
      for (uint32_t i = 0; i < n; i++) {
        c->expire[i] =
            static_cast<int64_t>(static_cast<uint64_t>(c->ts[i]) +
                                 static_cast<uint64_t>(c->expire[i]));
      }
      break;
    }
    case ExpireMode::kMixed: {
      // Flags first (1 = never expires), then the TTLs of the others,
      // decoded into the tail of the array and moved forward.
      std::vector<int64_t>& e = c->expire;
      absl::Status s = DecodeIntColumn(in, n, single, e.data());
      if (!s.ok()) return s;
      uint32_t with_ttl = 0;
      for (uint32_t i = 0; i < n; i++) {
        if (e[i] != 0 && e[i] != 1) return in->Error("expire: bad flag");
        with_ttl += e[i] == 0;
      }
      std::vector<int64_t> ttl(with_ttl);
      const std::array<uint32_t, 1> ttl_run = {with_ttl};
      s = DecodeIntColumn(
          in, with_ttl,
          std::span<const uint32_t>(ttl_run.data(), with_ttl == 0 ? 0 : 1),
          ttl.data());
      if (!s.ok()) return s;
      for (uint32_t i = 0, j = 0; i < n; i++) {
        e[i] = e[i] == 1
                   ? kNeverExpires
                   : static_cast<int64_t>(static_cast<uint64_t>(c->ts[i]) +
                                          static_cast<uint64_t>(ttl[j++]));
      }
      break;
    }
    default:
      return in->Error("expire: unknown mode");
  }
  if (!in->empty()) return in->Error("expire: trailing bytes");
  return absl::OkStatus();
}

absl::Status DecodeValues(ByteCursor* in, std::span<const uint32_t> runs,
                          ColumnarColumns* c) {
  const uint32_t n = c->count;
  uint8_t codec;
  if (!in->ReadByte(&codec)) return in->Error("values: missing codec");
  absl::Status s;
  auto ints = [&] {
    c->words.resize(n);
    return reinterpret_cast<int64_t*>(c->words.data());
  };
  switch (static_cast<ValueCodec>(codec)) {
    case ValueCodec::kBytes: {
      const std::array<uint32_t, 1> one_run = {n};
      std::vector<int64_t> lens(n);
      s = DecodeIntColumn(in, n,
                          std::span<const uint32_t>(one_run.data(), n ? 1 : 0),
                          lens.data());
      if (!s.ok()) return s;
      c->value_offsets.resize(n + 1);
      size_t total = 0;
      for (uint32_t i = 0; i < n; i++) {
        c->value_offsets[i] = total;
        if (lens[i] < 0 ||
            static_cast<uint64_t>(lens[i]) > in->remaining() - total) {
          return in->Error("values: length out of range");
        }
        total += lens[i];
      }
      c->value_offsets[n] = total;
      if (total != in->remaining()) {
        return in->Error("values: data size does not match lengths");
      }
      in->ReadBytes(total, &c->value_data);
      c->words.clear();
      return absl::OkStatus();
    }
    case ValueCodec::kDecimal: {
      uint8_t scale;
      if (!in->ReadByte(&scale)) return in->Error("values: missing scale");
      if (scale > kMaxDecimalScale) return in->Error("values: bad scale");
      int64_t* v = ints();
      s = DecodeIntColumn(in, n, runs, v);
      if (!s.ok()) return s;
      for (uint32_t i = 0; i < n; i++) {
        c->words[i] = DecimalToWord(v[i], scale);
      }
      break;
    }
    case ValueCodec::kXor:
      ints();
      s = DecodeXorColumn(in, n, c->words.data());
      if (!s.ok()) return s;
      break;
    case ValueCodec::kInt64:
      s = DecodeIntColumn(in, n, runs, ints());
      if (!s.ok()) return s;
      break;
    default:
      return in->Error("values: unknown codec");
  }
  if (!in->empty()) return in->Error("values: trailing bytes");
  return absl::OkStatus();
}

}  // namespace

size_t ColumnarColumns::MemoryUsage() const {
  return key_data.capacity() + key_offsets.capacity() * sizeof(size_t) +
         run_starts.capacity() * sizeof(uint32_t) +
         ts.capacity() * sizeof(int64_t) +
         packed.capacity() * sizeof(uint64_t) +
         expire.capacity() * sizeof(int64_t) +
         words.capacity() * sizeof(uint64_t) +
         value_offsets.capacity() * sizeof(size_t) +
         run_lengths.capacity() * sizeof(uint32_t);
}

namespace {

// Splits the payload into its five sections after checking the header.
absl::Status ParseSections(std::string_view payload, uint32_t count,
                           std::string_view where, ByteCursor sec[5]) {
  ByteCursor in(payload, where);
  if (count > kMaxColumnarEntries) {
    return in.Error("entry count exceeds the columnar block limit");
  }
  uint8_t version;
  uint64_t stored_count;
  if (!in.ReadByte(&version)) return in.Error("empty columnar payload");
  if (version != kColumnarVersion) {
    return in.Error("unknown columnar codec version");
  }
  if (!in.ReadVarint(&stored_count) || stored_count != count) {
    return in.Error("entry count does not match the block handle");
  }
  // Sections: keys, timestamps, seqkind, expire, values.
  for (int i = 0; i < 5; i++) {
    uint64_t len;
    sec[i] = in;
    if (!in.ReadVarint(&len) || !in.ReadSection(len, &sec[i])) {
      return in.Error("truncated section");
    }
  }
  if (!in.empty()) return in.Error("trailing bytes after the last section");
  return absl::OkStatus();
}

}  // namespace

void ColumnarColumns::Clear() {
  count = 0;
  key_data.clear();
  key_offsets.clear();
  run_starts.clear();
  run_lengths.clear();
  ts.clear();
  packed.clear();
  expire.clear();
  words.clear();
  value_data = {};
  value_offsets.clear();
}

absl::Status DecodeColumnarKeyColumns(std::string_view payload, uint32_t count,
                                      std::string_view where,
                                      ColumnarColumns* out) {
  out->Clear();
  ByteCursor sec[5] = {ByteCursor(payload, where), ByteCursor(payload, where),
                       ByteCursor(payload, where), ByteCursor(payload, where),
                       ByteCursor(payload, where)};
  absl::Status s = ParseSections(payload, count, where, sec);
  if (!s.ok()) return s;

  out->count = count;
  s = DecodeKeys(&sec[0], count, payload.size(), out, &out->run_lengths);
  if (!s.ok()) return s;

  // resize() on reused vectors only zero-fills what they grow by.
  out->ts.resize(count);
  s = DecodeIntColumn(&sec[1], count, out->run_lengths, out->ts.data());
  if (!s.ok()) return s;
  if (!sec[1].empty()) return sec[1].Error("timestamps: trailing bytes");

  const ByteCursor seq_start = sec[2];
  out->packed.resize(count);
  s = DecodeIntColumn(&sec[2], count, out->run_lengths,
                      reinterpret_cast<int64_t*>(out->packed.data()));
  if (!s.ok()) return s;
  if (!sec[2].empty()) return sec[2].Error("seqkind: trailing bytes");
  return CheckOrder(seq_start, *out);
}

absl::Status DecodeColumnarValueColumns(std::string_view payload,
                                        std::string_view where,
                                        ColumnarColumns* out) {
  ByteCursor sec[5] = {ByteCursor(payload, where), ByteCursor(payload, where),
                       ByteCursor(payload, where), ByteCursor(payload, where),
                       ByteCursor(payload, where)};
  absl::Status s = ParseSections(payload, out->count, where, sec);
  if (!s.ok()) return s;
  s = DecodeExpire(&sec[3], out->run_lengths, out);
  if (!s.ok()) return s;
  return DecodeValues(&sec[4], out->run_lengths, out);
}

absl::Status DecodeColumnarPayload(std::string_view payload, uint32_t count,
                                   std::string_view where,
                                   ColumnarColumns* out) {
  absl::Status s = DecodeColumnarKeyColumns(payload, count, where, out);
  if (!s.ok()) return s;
  return DecodeColumnarValueColumns(payload, where, out);
}

}  // namespace strata
