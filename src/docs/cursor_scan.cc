// Plan sources: stream the documents a plan reads, filtered by the whole
// filter and the time window, in plan order. The primary source walks
// document records over the plan's key spans with ScanRange{.., t0, t1},
// so the core skips blocks and files outside the window. The index source
// walks index entries (also windowed: entries carry their document's ts)
// in batches: it collects a run of entries, fetches their documents with
// one DB::MultiGet at the same snapshot (point reads in key order: each
// file is opened once, pruned by key range and bloom filter, and read
// forward; a merged document iterator instead seeks every file at every
// entry), then yields them in index order. The first batch is as large as
// the query's skip + limit (a limit-1 query fetches little), or
// kFirstUnboundedBatch without a limit (a cursor may still be dropped
// early), and each next one doubles. Neither source materialises
// more than one batch. A covering index (entries hold the document) yields
// each entry's value as is and fetches only entries whose value is empty
// (written without a body).
#include <algorithm>
#include <array>
#include <memory>
#include <span>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/index_key.h"
#include "docs/planner.h"
#include "lsm/db_iter.h"
#include "util/errors.h"

namespace strata::docs {

namespace {

// Walks keys of an iterator span by span, forward or backward.
class SpanWalker {
 public:
  SpanWalker(Iterator* it, const std::vector<KeySpan>* spans, bool reverse)
      : it_(it),
        batch_it_(dynamic_cast<BatchIterator*>(it)),
        spans_(spans),
        reverse_(reverse) {}

  // The span of the current record (after a Step() that returned true).
  const KeySpan& span() const { return *cur_; }

  // Moves to the next record inside a span; false at the end.
  bool Step() {
    while (true) {
      if (!positioned_) {
        if (next_span_ >= spans_->size()) return false;
        size_t i = reverse_ ? spans_->size() - 1 - next_span_ : next_span_;
        cur_ = &(*spans_)[i];
        ++next_span_;
        positioned_ = true;
        // The iterator itself ends at the spans' outer bounds
        // ([front().start, back().limit), see PlanSource), so the span
        // that reaches one needs no key comparison per record on that side.
        check_bound_ =
            reverse_ ? i != 0 : i + 1 != spans_->size() || cur_->limit.empty();
        if (reverse_) {
          it_->SeekForPrev(cur_->limit, kMinTimestamp);
          while (it_->Valid() && it_->key() >= cur_->limit) it_->Prev();
        } else {
          it_->Seek(cur_->start);
        }
      } else if (reverse_) {
        it_->Prev();
      } else {
        it_->Next();
      }
      if (!it_->Valid()) {
        if (!it_->status().ok()) return false;
        positioned_ = false;
        continue;
      }
      if (check_bound_) {
        std::string_view k = it_->key();
        if (reverse_ ? k < cur_->start : k >= cur_->limit) {
          positioned_ = false;
          continue;
        }
      }
      return true;
    }
  }

  // After a Step() that returned true: the current record and up to
  // max - 1 following ones of its span that the iterator has at hand
  // (forward walks), in order, into out; the walker stays on the last.
  // Valid until the walker moves.
  size_t Batch(BatchIterator::KeyEntry* out, size_t max) {
    // An empty limit bounds nothing for ReadKeys; Step() ends the span.
    if (reverse_ || batch_it_ == nullptr ||
        (check_bound_ && cur_->limit.empty())) {
      out[0] = {it_->key(), it_->timestamp(), it_->value()};
      return 1;
    }
    return batch_it_->ReadKeys(
        out, max,
        check_bound_ ? std::string_view(cur_->limit) : std::string_view());
  }

 private:
  Iterator* it_;
  BatchIterator* const batch_it_;  // it_, if it reads in batches
  const std::vector<KeySpan>* spans_;
  const bool reverse_;
  const KeySpan* cur_ = nullptr;
  size_t next_span_ = 0;
  bool positioned_ = false;
  bool check_bound_ = true;  // whether the iterator may leave cur_ on its own
};

// Index batches: the first holds the query's skip + limit entries (at least
// kMinBatch), or kFirstUnboundedBatch without a limit; each next one twice
// as many, up to kMaxBatch (bounding memory to kMaxBatch documents). Larger
// batches overlap more cache misses in a fetch.
constexpr size_t kMinBatch = 16;
constexpr size_t kFirstUnboundedBatch = 128;
constexpr size_t kMaxBatch = 256;

size_t FirstBatch(uint64_t rows_wanted) {
  if (rows_wanted == 0) return kFirstUnboundedBatch;
  return static_cast<size_t>(
      std::clamp<uint64_t>(rows_wanted, kMinBatch, kMaxBatch));
}

class PlanSource final : public DocSource {
 public:
  explicit PlanSource(PlanInputs in) : in_(std::move(in)) {
    if (!in_.match_all && !in_.plan.exact) {
      matcher_ = std::make_unique<Matcher>(in_.filter);
    }
    if (in_.plan.spans.empty()) return;  // e.g. $in []
    ReadOptions ro;
    ro.snapshot = in_.snapshot.get();
    const Plan& p = in_.plan;
    ScanRange r{p.spans.front().start, p.spans.back().limit, p.t0, p.t1};
    it_ = in_.db->NewIterator(ro, r);
    walker_ =
        std::make_unique<SpanWalker>(it_.get(), &in_.plan.spans, p.reverse);
    fetch_docs_ =
        p.kind == PlanKind::kIndex && !(in_.count_only && in_.plan.exact);
    covering_ = fetch_docs_ && p.index->spec.covering;
    lazy_pk_ = covering_ && !p.dedup && in_.exclude == nullptr;
  }

  bool Next() override {
    if (walker_ == nullptr || !status_.ok()) return false;
    while (true) {
      bool found;
      if (covering_) {
        if (!NextCovered()) return false;
        found = true;
      } else if (in_.plan.kind == PlanKind::kIndex && !fetch_docs_) {
        if (!NextEntry()) return false;
        found = true;
      } else if (in_.plan.kind == PlanKind::kIndex) {
        if (!NextFromBatch()) return false;
        found = true;
      } else {
        if (!walker_->Step()) {
          status_ = it_->status();
          return false;
        }
        ++in_.stats->keys_examined;
        found = FromRecord();
      }
      if (!found) continue;
      if (in_.exclude != nullptr) {
        std::string_view key = DocKey();
        if (in_.exclude->contains(absl::string_view(key.data(), key.size()))) {
          continue;
        }
      }
      ++in_.stats->docs_examined;
      if (matcher_ != nullptr) {
        // Stored documents were validated when written: the byte-level
        // prefilter may drop them unparsed.
        if (!matcher_->MayMatch(doc_)) continue;
        absl::StatusOr<bool> m = matcher_->Matches(doc_);
        if (!m.ok()) {
          status_ = CorruptionError(DescribeKey(DocKey()), 0,
                                    std::string(m.status().message()));
          return false;
        }
        if (!*m) continue;
      }
      return true;
    }
  }

  std::string_view pk() const override {
    if (pk_pending_) {
      pk_pending_ = false;
      if (!SplitEntry(&pk_)) pk_ = {};
    }
    return pk_;
  }
  std::string_view doc() const override { return doc_; }
  absl::Status status() const override { return status_; }

 private:
  // One index entry of the current batch and where its document landed.
  // Its document key (doc_prefix + pk) sits in entry_keys_: one buffer
  // reused batch after batch, not a string (and an allocation) per entry.
  struct Wanted {
    size_t key_offset = 0;  // of the document key in entry_keys_
    size_t key_size = 0;
    Timestamp ts = 0;
    bool found = false;
    std::string_view doc;  // held by pinned_ until the next fetch
  };

  // Moves to the next entry of a covering index; its value is the
  // document (valid until it_ moves), or empty when the entry was written
  // without one, then the document is fetched. False at the end or on
  // error.
  bool NextCovered() {
    while (true) {
      if (!NextIndexEntry()) return false;
      key_ = {};
      std::string_view v = entry().value;
      if (v.empty()) {
        entry_keys_.clear();
        AddDocKey(pk(), &covered_);
        if (!status_.ok()) return false;
        if (absl::Status st = Fetch(std::span<Wanted>(&covered_, 1));
            !st.ok()) {
          status_ = std::move(st);
          return false;
        }
        if (!covered_.found) continue;
        v = covered_.doc;
      }
      doc_ = v;
      return true;
    }
  }

  // Moves to the next entry of an index plan that fetches nothing (exact
  // counts): its primary key is all it yields. False at the end or on
  // error.
  bool NextEntry() {
    if (!NextIndexEntry()) return false;
    key_ = {};
    doc_ = {};
    return true;
  }

  // Moves to the next index entry: the next of the run at hand, else the
  // walker's next record and the run of entries after it (SpanWalker::Batch).
  // False at the end or on error.
  bool StepEntry() {
    if (++entry_pos_ < entry_count_) return true;
    if (!walker_->Step()) return false;
    entry_count_ = walker_->Batch(entries_.data(), entries_.size());
    entry_pos_ = 0;
    return true;
  }
  const BatchIterator::KeyEntry& entry() const { return entries_[entry_pos_]; }

  // Steps to the next index entry whose primary key reads into pk_ (see
  // ReadEntry; on lazy_pk_ walks, when pk() asks); false at the end or on
  // error (status_ set).
  bool NextIndexEntry() {
    while (StepEntry()) {
      ++in_.stats->keys_examined;
      if (lazy_pk_) {
        pk_pending_ = true;
        return true;
      }
      if (ReadEntry(&pk_)) return true;
      if (!status_.ok()) return false;
    }
    status_ = it_->status();
    return false;
  }

  bool FromRecord() {
    key_ = it_->key();  // valid until it_ moves, at the next Next()
    pk_ = key_.substr(in_.info->doc_prefix.size());
    doc_ = it_->value();
    return true;
  }

  // Moves to the next entry of the batch whose document exists, filling a
  // new batch when this one is used up; false at the end or on error.
  bool NextFromBatch() {
    while (true) {
      if (pos_ >= batch_size_) {
        if (exhausted_ || !FillBatch()) return false;
        continue;
      }
      Wanted& w = batch_[pos_++];
      if (!w.found) continue;
      key_ = EntryKey(w);
      pk_ = key_.substr(in_.info->doc_prefix.size());
      doc_ = w.doc;
      return true;
    }
  }

  // Reads the next run of index entries and fetches their documents.
  bool FillBatch() {
    // Grown only: AddEntry sets every field of the entries it fills.
    if (batch_.size() < batch_cap_) batch_.resize(batch_cap_);
    entry_keys_.clear();
    size_t n = 0;
    while (n < batch_cap_) {
      if (!StepEntry()) {
        exhausted_ = true;
        status_ = it_->status();
        if (!status_.ok()) return false;
        break;
      }
      ++in_.stats->keys_examined;
      if (!AddEntry(&batch_[n])) {
        if (!status_.ok()) return false;
        continue;
      }
      ++n;
    }
    batch_size_ = n;
    pos_ = 0;
    batch_cap_ = std::min(batch_cap_ * 2, kMaxBatch);
    if (n == 0) return false;
    if (fetch_docs_) {
      status_ = Fetch(std::span<Wanted>(batch_.data(), n));
      if (!status_.ok()) return false;
    } else {
      for (size_t i = 0; i < n; ++i) batch_[i].found = true;
    }
    return true;
  }

  // The primary key of the current index entry (valid until it_ moves);
  // false if the entry is malformed (status_ set) or its document was
  // already returned.
  bool ReadEntry(std::string_view* pk) {
    return SplitEntry(pk) && (!in_.plan.dedup || seen_.emplace(*pk).second);
  }

  // The primary key of the current index entry; false if the entry is
  // malformed (status_ set). Const, as pk() splits the entries of covering
  // walks only when asked.
  bool SplitEntry(std::string_view* pk) const {
    const IndexInfo& ix = *in_.plan.index;
    if (&walker_->span() != split_span_) SpanComponents(walker_->span());
    std::string_view values;
    if (!SplitIndexEntry(entry().key.substr(ix.prefix.size() + span_bytes_),
                         ix.spec.paths.size() - span_components_, &values,
                         pk)) {
      status_ =
          CorruptionError(absl::StrFormat("index \"%s\" of collection \"%s\"",
                                          ix.spec.name, in_.info->spec.name),
                          0, "malformed index entry key");
      return false;
    }
    return true;
  }

  // Every entry of a span starts with the whole components inside the
  // common prefix of the span's bounds (keys between two strings share
  // their common prefix): SplitIndexEntry need not walk them entry after
  // entry. Counts them (span_components_, span_bytes_ after the index
  // prefix) for `span`.
  void SpanComponents(const KeySpan& span) const {
    split_span_ = &span;
    span_components_ = 0;
    span_bytes_ = 0;
    const size_t prefix = in_.plan.index->prefix.size();
    const std::string_view start = span.start, limit = span.limit;
    size_t common = static_cast<size_t>(
        std::mismatch(start.begin(), start.end(), limit.begin(), limit.end())
            .first -
        start.begin());
    // A limit that is the start's prefix successor (the common prefix and
    // the next byte of the start plus one, as equality spans end): every
    // key below it has the start's next byte too.
    if (common < start.size() && limit.size() == common + 1 &&
        static_cast<unsigned char>(limit[common]) ==
            static_cast<unsigned char>(start[common]) + 1) {
      ++common;
    }
    if (common <= prefix) return;
    const std::string_view shared = start.substr(prefix, common - prefix);
    const size_t n = in_.plan.index->spec.paths.size();
    while (span_components_ < n) {
      const size_t len = IndexComponentSize(shared.substr(span_bytes_));
      if (len == 0) break;  // cut short by the end of the shared bytes
      span_bytes_ += len;
      ++span_components_;
    }
  }

  // The current index entry, to fetch, into *w; false as ReadEntry.
  bool AddEntry(Wanted* w) {
    std::string_view pk;
    if (!ReadEntry(&pk)) return false;
    AddDocKey(pk, w);
    return true;
  }

  // Appends the document key of pk (at the current entry) to entry_keys_
  // for *w.
  void AddDocKey(std::string_view pk, Wanted* w) {
    w->key_offset = entry_keys_.size();
    // Room for a batch of keys this size at once, not doubling up to it.
    const size_t size = in_.info->doc_prefix.size() + pk.size();
    if (entry_keys_.size() + size > entry_keys_.capacity()) {
      entry_keys_.reserve(entry_keys_.size() + size * batch_cap_);
    }
    entry_keys_.append(in_.info->doc_prefix).append(pk);
    w->key_size = entry_keys_.size() - w->key_offset;
    w->ts = entry().ts;
    w->found = false;
  }

  // The current document's key, built from pk_ when the path that found
  // it had no use for it (index walks that fetch nothing).
  std::string_view DocKey() {
    if (key_.empty()) {
      key_buf_.assign(in_.info->doc_prefix).append(pk());
      key_ = key_buf_;
    }
    return key_;
  }

  std::string_view EntryKey(const Wanted& w) const {
    return std::string_view(entry_keys_).substr(w.key_offset, w.key_size);
  }

  // Reads the documents of `wanted` (w.doc, valid until the next fetch:
  // pinned_ holds them). A document gone since its entry was read (it
  // expired in between) stays not found.
  absl::Status Fetch(std::span<Wanted> wanted) {
    keys_.resize(wanted.size());
    for (size_t i = 0; i < wanted.size(); ++i) {
      wanted[i].found = false;
      keys_[i] = PointKey{EntryKey(wanted[i]), wanted[i].ts};
    }
    in_.stats->docs_fetched += wanted.size();
    ReadOptions ro;
    ro.snapshot = in_.snapshot.get();
    ro.keys_likely_exist = true;  // the index names them
    return in_.db->MultiGet(
        ro, keys_,
        [&](size_t i, std::string_view v, int64_t /*expire_at*/) {
          wanted[i].found = true;
          wanted[i].doc = v;
        },
        &pinned_);
  }

  PlanInputs in_;
  std::unique_ptr<Matcher> matcher_;
  std::unique_ptr<Iterator> it_;
  std::unique_ptr<SpanWalker> walker_;
  absl::flat_hash_set<std::string> seen_;
  // SpanComponents of split_span_ (cached by the const SplitEntry).
  mutable const KeySpan* split_span_ = nullptr;
  mutable size_t span_components_ = 0;
  mutable size_t span_bytes_ = 0;
  // The current document's primary key, key (empty until DocKey() builds
  // it, on paths that need no key) and body; valid until the next Next().
  // Covering walks that need no key for themselves (no dedup, nothing to
  // exclude) split an entry's key for its pk only when pk() asks.
  mutable std::string_view pk_;
  mutable bool pk_pending_ = false;
  std::string_view key_;
  std::string key_buf_;
  std::string_view doc_;
  mutable absl::Status status_;  // pk() reports a malformed entry here
  // Index plans.
  bool fetch_docs_ = false;
  bool covering_ = false;  // documents come from the entries' values
  // Index entries: the run the walker handed out and the current one.
  std::array<BatchIterator::KeyEntry, 64> entries_;
  size_t entry_pos_ = 0, entry_count_ = 0;
  bool lazy_pk_ = false;       // see pk_pending_
  Wanted covered_;             // the current entry of a covering index
  std::vector<Wanted> batch_;  // the batch is its first batch_size_
  size_t batch_size_ = 0;
  std::string entry_keys_;      // the batch's document keys, back to back
  std::vector<PointKey> keys_;  // the batch's, for MultiGet
  std::unique_ptr<PinnedValues> pinned_;  // the fetched documents
  size_t pos_ = 0;
  size_t batch_cap_ = FirstBatch(in_.rows_wanted);
  bool exhausted_ = false;
};

class ListSource final : public DocSource {
 public:
  explicit ListSource(std::vector<std::pair<std::string, std::string>> docs)
      : docs_(std::move(docs)) {}
  bool Next() override { return ++pos_ <= docs_.size(); }
  std::string_view pk() const override { return docs_[pos_ - 1].first; }
  std::string_view doc() const override { return docs_[pos_ - 1].second; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<std::pair<std::string, std::string>> docs_;
  size_t pos_ = 0;
};

class ChainSource final : public DocSource {
 public:
  ChainSource(std::unique_ptr<DocSource> a, std::unique_ptr<DocSource> b)
      : a_(std::move(a)), b_(std::move(b)) {}
  bool Next() override {
    if (on_a_) {
      if (a_->Next()) return true;
      if (!a_->status().ok()) return false;
      on_a_ = false;
    }
    return b_->Next();
  }
  std::string_view pk() const override { return cur()->pk(); }
  std::string_view doc() const override { return cur()->doc(); }
  absl::Status status() const override {
    return on_a_ ? a_->status() : b_->status();
  }

 private:
  const DocSource* cur() const { return on_a_ ? a_.get() : b_.get(); }
  std::unique_ptr<DocSource> a_, b_;
  bool on_a_ = true;
};

}  // namespace

std::unique_ptr<DocSource> NewPlanSource(PlanInputs in) {
  return std::make_unique<PlanSource>(std::move(in));
}

std::unique_ptr<DocSource> NewListSource(
    std::vector<std::pair<std::string, std::string>> docs) {
  return std::make_unique<ListSource>(std::move(docs));
}

std::unique_ptr<DocSource> NewChainSource(std::unique_ptr<DocSource> a,
                                          std::unique_ptr<DocSource> b) {
  return std::make_unique<ChainSource>(std::move(a), std::move(b));
}

}  // namespace strata::docs
