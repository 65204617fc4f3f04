// WriteBatch encoding. Layout: schema/wal.md, "Batch payload":
//   header (29 B): seq u64 | count u32 | write_time i64 | default_ttl i64 |
//                  flags u8
//   records: tag u8 then fields (put / delete / range delete)
#include "strata/write_batch.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_format.h"
#include "lsm/memtable.h"
#include "lsm/range_tombstone.h"
#include "lsm/write_batch_internal.h"
#include "util/coding.h"

namespace strata {
namespace {

enum RecordTag : uint8_t { kTagDelete = 0, kTagPut = 1, kTagRangeDelete = 2 };

void PutI64(std::string* dst, int64_t v) {
  PutFixed64(dst, static_cast<uint64_t>(v));
}
bool GetI64(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetFixed64(in, &u)) return false;
  *v = static_cast<int64_t>(u);
  return true;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? kNeverExpires : kMinTimestamp;
  }
  return r;
}

// Decodes one record from *in and hands it to h.
absl::Status ParseRecord(std::string_view* in, WriteBatch::Handler* h,
                         bool* ok) {
  *ok = false;
  if (in->empty()) return absl::OkStatus();
  uint8_t tag = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  std::string_view key, value, end;
  int64_t ts, t1, ev;
  switch (tag) {
    case kTagPut: {
      if (!GetLengthPrefixed(in, &key) || !GetI64(in, &ts) || in->empty()) {
        return absl::OkStatus();
      }
      uint8_t kind = static_cast<uint8_t>((*in)[0]);
      in->remove_prefix(1);
      if (kind > 2 || !GetI64(in, &ev) || !GetLengthPrefixed(in, &value)) {
        return absl::OkStatus();
      }
      Expiry e = kind == 0   ? Expiry::Default()
                 : kind == 1 ? Expiry::TtlNanos(ev)
                             : Expiry::At(ev);
      *ok = true;
      return h->Put(key, ts, value, e);
    }
    case kTagDelete:
      if (!GetLengthPrefixed(in, &key) || !GetI64(in, &ts)) {
        return absl::OkStatus();
      }
      *ok = true;
      return h->Delete(key, ts);
    case kTagRangeDelete:
      if (!GetLengthPrefixed(in, &key) || !GetLengthPrefixed(in, &end) ||
          !GetI64(in, &ts) || !GetI64(in, &t1)) {
        return absl::OkStatus();
      }
      *ok = true;
      return h->DeleteRange(key, end, ts, t1);
    default:
      return absl::OkStatus();
  }
}

absl::Status IterateRep(std::string_view rep, WriteBatch::Handler* h,
                        std::string_view where) {
  if (rep.size() < kBatchHeaderSize) {
    return absl::DataLossError(
        absl::StrFormat("%s: batch shorter than its header", where));
  }
  uint32_t count = WriteBatchInternal::Count(rep);
  std::string_view in = rep.substr(kBatchHeaderSize);
  uint32_t found = 0;
  while (!in.empty()) {
    size_t offset = rep.size() - in.size();
    bool ok;
    absl::Status s = ParseRecord(&in, h, &ok);
    if (!s.ok()) return s;
    if (!ok) {
      return absl::DataLossError(absl::StrFormat(
          "%s: malformed batch record at byte %d of the batch", where, offset));
    }
    found++;
  }
  if (found != count) {
    return absl::DataLossError(absl::StrFormat(
        "%s: batch header says %d records, found %d", where, count, found));
  }
  return absl::OkStatus();
}

class NullHandler : public WriteBatch::Handler {
 public:
  absl::Status Put(std::string_view, Timestamp, std::string_view,
                   Expiry) override {
    return absl::OkStatus();
  }
  absl::Status Delete(std::string_view, Timestamp) override {
    return absl::OkStatus();
  }
  absl::Status DeleteRange(std::string_view, std::string_view, Timestamp,
                           Timestamp) override {
    return absl::OkStatus();
  }
};

class MemTableInserter : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber seq, TtlContext ttl, MemTable* mem)
      : seq_(seq), ttl_(ttl), mem_(mem) {}
  absl::Status Put(std::string_view key, Timestamp ts, std::string_view value,
                   Expiry e) override {
    mem_->Add(seq_++, ValueKind::kPut, key, ts, ResolveExpiry(e, ts, ttl_),
              value);
    return absl::OkStatus();
  }
  absl::Status Delete(std::string_view key, Timestamp ts) override {
    mem_->Add(seq_++, ValueKind::kDelete, key, ts, kNeverExpires, {});
    return absl::OkStatus();
  }
  absl::Status DeleteRange(std::string_view begin, std::string_view end,
                           Timestamp t0, Timestamp t1) override {
    RangeTombstone t;
    t.begin = std::string(begin);
    t.end = std::string(end);
    t.t0 = t0;
    t.t1 = t1;
    t.seq = seq_++;
    mem_->AddRangeTombstone(t);
    return absl::OkStatus();
  }

 private:
  SequenceNumber seq_;
  TtlContext ttl_;
  MemTable* mem_;
};

}  // namespace

int64_t ResolveExpiry(const Expiry& e, Timestamp ts, const TtlContext& ctx) {
  int64_t base = ctx.from_write_time ? ctx.write_time : ts;
  switch (e.kind()) {
    case Expiry::Kind::kAt:
      return e.value();
    case Expiry::Kind::kTtl:
      return SaturatingAdd(base, e.value());
    case Expiry::Kind::kDefault:
    default:
      return ctx.default_ttl > 0 ? SaturatingAdd(base, ctx.default_ttl)
                                 : kNeverExpires;
  }
}

WriteBatch::WriteBatch() { Clear(); }

void WriteBatch::Clear() {
  rep_.assign(kBatchHeaderSize, '\0');
  error_.clear();
}

uint32_t WriteBatch::Count() const { return WriteBatchInternal::Count(rep_); }

absl::Status WriteBatch::status() const {
  if (error_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(error_);
}

namespace {
void BumpCount(std::string* rep) {
  EncodeFixed32(rep->data() + 8, DecodeFixed32(rep->data() + 8) + 1);
}
std::string CheckKey(std::string_view key, Timestamp ts) {
  if (key.empty()) return "empty key";
  if (key.size() > kMaxKeySize) {
    return absl::StrFormat("key of %d bytes exceeds the %d-byte limit",
                           key.size(), kMaxKeySize);
  }
  if (ts == kMaxTimestamp) {
    return "timestamp INT64_MAX is reserved (exclusive end of every scan)";
  }
  return "";
}
}  // namespace

void WriteBatch::Put(std::string_view key, Timestamp ts, std::string_view value,
                     Expiry expiry) {
  std::string err = CheckKey(key, ts);
  if (err.empty() && value.size() > kMaxValueSize) {
    err = absl::StrFormat("value of %d bytes exceeds the %d-byte limit",
                          value.size(), kMaxValueSize);
  }
  if (err.empty() && expiry.kind() == Expiry::Kind::kTtl &&
      expiry.value() <= 0) {
    err = "TTL must be positive";
  }
  if (!err.empty()) {
    if (error_.empty()) error_ = err;
    return;
  }
  rep_.push_back(static_cast<char>(kTagPut));
  PutLengthPrefixed(&rep_, key);
  PutI64(&rep_, ts);
  rep_.push_back(static_cast<char>(expiry.kind()));
  PutI64(&rep_, expiry.value());
  PutLengthPrefixed(&rep_, value);
  BumpCount(&rep_);
}

void WriteBatch::Delete(std::string_view key, Timestamp ts) {
  std::string err = CheckKey(key, ts);
  if (!err.empty()) {
    if (error_.empty()) error_ = err;
    return;
  }
  rep_.push_back(static_cast<char>(kTagDelete));
  PutLengthPrefixed(&rep_, key);
  PutI64(&rep_, ts);
  BumpCount(&rep_);
}

void WriteBatch::DeleteRange(std::string_view begin, std::string_view end,
                             Timestamp t0, Timestamp t1) {
  std::string err;
  if (begin.size() > kMaxKeySize || end.size() > kMaxKeySize) {
    err = "range delete bound exceeds the key size limit";
  } else if (!end.empty() && end < begin) {
    err = "range delete end key sorts before its begin key";
  } else if (t1 < t0) {
    err = "range delete t1 is before t0";
  }
  if (!err.empty()) {
    if (error_.empty()) error_ = err;
    return;
  }
  rep_.push_back(static_cast<char>(kTagRangeDelete));
  PutLengthPrefixed(&rep_, begin);
  PutLengthPrefixed(&rep_, end);
  PutI64(&rep_, t0);
  PutI64(&rep_, t1);
  BumpCount(&rep_);
}

void WriteBatch::Append(const WriteBatch& other) {
  if (error_.empty() && !other.error_.empty()) error_ = other.error_;
  WriteBatchInternal::AppendRecords(&rep_, other.rep_);
}

absl::Status WriteBatch::Iterate(Handler* handler) const {
  return IterateRep(rep_, handler, "write batch");
}

SequenceNumber WriteBatchInternal::Sequence(std::string_view rep) {
  return DecodeFixed64(rep.data());
}

uint32_t WriteBatchInternal::Count(std::string_view rep) {
  return DecodeFixed32(rep.data() + 8);
}

TtlContext WriteBatchInternal::Ttl(std::string_view rep) {
  TtlContext t;
  t.write_time = static_cast<int64_t>(DecodeFixed64(rep.data() + 12));
  t.default_ttl = static_cast<int64_t>(DecodeFixed64(rep.data() + 20));
  t.from_write_time = (rep[28] & kBatchFlagTtlFromWriteTime) != 0;
  return t;
}

void WriteBatchInternal::SetHeader(std::string* rep, SequenceNumber seq,
                                   const TtlContext& ttl) {
  EncodeFixed64(rep->data(), seq);
  EncodeFixed64(rep->data() + 12, static_cast<uint64_t>(ttl.write_time));
  EncodeFixed64(rep->data() + 20, static_cast<uint64_t>(ttl.default_ttl));
  (*rep)[28] = ttl.from_write_time ? kBatchFlagTtlFromWriteTime : 0;
}

void WriteBatchInternal::AppendRecords(std::string* dst, std::string_view src) {
  EncodeFixed32(dst->data() + 8, Count(*dst) + Count(src));
  dst->append(src.data() + kBatchHeaderSize, src.size() - kBatchHeaderSize);
}

absl::Status WriteBatchInternal::Validate(std::string_view rep,
                                          std::string_view where) {
  NullHandler h;
  return IterateRep(rep, &h, where);
}

absl::Status WriteBatchInternal::Iterate(std::string_view rep,
                                         WriteBatch::Handler* h) {
  return IterateRep(rep, h, "write batch");
}

namespace {

// Batches at least this large are inserted in key order.
constexpr uint32_t kSortedInsertMin = 64;

// Gathers a batch's point records (views into the batch) with their
// sequence numbers; range tombstones go to the memtable at once.
class RecordCollector : public WriteBatch::Handler {
 public:
  struct Rec {
    std::string_view key;
    std::string_view value;
    Timestamp ts;
    int64_t expire_at;
    SequenceNumber seq;
    ValueKind kind;
  };
  RecordCollector(SequenceNumber seq, TtlContext ttl, MemTable* mem,
                  std::vector<Rec>* out)
      : seq_(seq), ttl_(ttl), mem_(mem), out_(out) {}
  absl::Status Put(std::string_view key, Timestamp ts, std::string_view value,
                   Expiry e) override {
    out_->push_back(Rec{key, value, ts, ResolveExpiry(e, ts, ttl_), seq_++,
                        ValueKind::kPut});
    return absl::OkStatus();
  }
  absl::Status Delete(std::string_view key, Timestamp ts) override {
    out_->push_back(
        Rec{key, {}, ts, kNeverExpires, seq_++, ValueKind::kDelete});
    return absl::OkStatus();
  }
  absl::Status DeleteRange(std::string_view begin, std::string_view end,
                           Timestamp t0, Timestamp t1) override {
    ranges_.push_back(RangeTombstone{});
    RangeTombstone& t = ranges_.back();
    t.begin = std::string(begin);
    t.end = std::string(end);
    t.t0 = t0;
    t.t1 = t1;
    t.seq = seq_++;
    return absl::OkStatus();
  }
  const std::vector<RangeTombstone>& ranges() const { return ranges_; }

 private:
  SequenceNumber seq_;
  TtlContext ttl_;
  MemTable* mem_;
  std::vector<Rec>* out_;
  std::vector<RangeTombstone> ranges_;
};

}  // namespace

absl::Status WriteBatchInternal::InsertInto(std::string_view rep,
                                            MemTable* mem) {
  if (rep.size() < kBatchHeaderSize || Count(rep) < kSortedInsertMin) {
    MemTableInserter inserter(Sequence(rep), Ttl(rep), mem);
    return IterateRep(rep, &inserter, "write batch");
  }
  // Large batches (documents with their index entries, whose keys are
  // scattered) go in in key order: consecutive memtable searches then
  // share their upper levels, which stay in the CPU cache. Each record
  // keeps its sequence number, so the result is the same. Nothing is
  // inserted unless the whole batch parses.
  std::vector<RecordCollector::Rec> recs;
  recs.reserve(Count(rep));
  RecordCollector collector(Sequence(rep), Ttl(rep), mem, &recs);
  if (auto s = IterateRep(rep, &collector, "write batch"); !s.ok()) return s;
  std::stable_sort(recs.begin(), recs.end(),
                   [](const RecordCollector::Rec& a,
                      const RecordCollector::Rec& b) { return a.key < b.key; });
  for (const RecordCollector::Rec& r : recs) {
    mem->AddInOrder(r.seq, r.kind, r.key, r.ts, r.expire_at, r.value);
  }
  for (const RangeTombstone& t : collector.ranges()) mem->AddRangeTombstone(t);
  return absl::OkStatus();
}

}  // namespace strata
