// Plan sources: stream the documents a plan reads, filtered by the whole
// filter and the time window, in plan order. The primary source walks
// document records over the plan's key spans with ScanRange{.., t0, t1},
// so the core skips blocks and files outside the window. The index source
// walks index entries (also windowed: entries carry their document's ts)
// and fetches each document with a point read of (key, ts) at the same
// snapshot. Neither materialises results.
#include <memory>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/planner.h"
#include "util/errors.h"

namespace strata::docs {

namespace {

// Walks keys of an iterator span by span, forward or backward.
class SpanWalker {
 public:
  SpanWalker(Iterator* it, const std::vector<KeySpan>* spans, bool reverse)
      : it_(it), spans_(spans), reverse_(reverse) {}

  // Moves to the next record inside a span; false at the end.
  bool Step() {
    while (true) {
      if (!positioned_) {
        if (next_span_ >= spans_->size()) return false;
        size_t i = reverse_ ? spans_->size() - 1 - next_span_ : next_span_;
        cur_ = &(*spans_)[i];
        ++next_span_;
        positioned_ = true;
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
      std::string_view k = it_->key();
      if (reverse_ ? k < cur_->start : k >= cur_->limit) {
        positioned_ = false;
        continue;
      }
      return true;
    }
  }

 private:
  Iterator* it_;
  const std::vector<KeySpan>* spans_;
  const bool reverse_;
  const KeySpan* cur_ = nullptr;
  size_t next_span_ = 0;
  bool positioned_ = false;
};

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
  }

  bool Next() override {
    if (walker_ == nullptr || !status_.ok()) return false;
    while (walker_->Step()) {
      ++in_.stats->keys_examined;
      bool found =
          in_.plan.kind == PlanKind::kIndex ? FromEntry() : FromRecord();
      if (!status_.ok()) return false;
      if (!found) continue;
      if (in_.exclude != nullptr && in_.exclude->contains(key_)) continue;
      ++in_.stats->docs_examined;
      if (matcher_ != nullptr) {
        absl::StatusOr<bool> m = matcher_->Matches(doc_);
        if (!m.ok()) {
          status_ = CorruptionError(DescribeKey(key_), 0,
                                    std::string(m.status().message()));
          return false;
        }
        if (!*m) continue;
      }
      return true;
    }
    status_ = it_->status();
    return false;
  }

  std::string_view pk() const override {
    return std::string_view(key_).substr(in_.info->doc_prefix.size());
  }
  std::string_view doc() const override { return doc_; }
  absl::Status status() const override { return status_; }

 private:
  bool FromRecord() {
    key_.assign(it_->key());
    doc_ = it_->value();
    return true;
  }

  // The document of the current index entry, or false if it is gone (it
  // expired between the two reads) or already returned.
  bool FromEntry() {
    const IndexInfo& ix = *in_.plan.index;
    std::string_view values, pk;
    if (!SplitIndexEntry(it_->key().substr(ix.prefix.size()),
                         ix.spec.paths.size(), &values, &pk)) {
      status_ =
          CorruptionError(absl::StrFormat("index \"%s\" of collection \"%s\"",
                                          ix.spec.name, in_.info->spec.name),
                          0, "malformed index entry key");
      return false;
    }
    if (in_.plan.dedup && !seen_.emplace(pk).second) return false;
    key_.assign(in_.info->doc_prefix).append(pk);
    if (in_.count_only && in_.plan.exact) {
      doc_ = {};
      return true;
    }
    // A point read: only the entry's time window, with bloom filters (a
    // shared iterator would seek in every file of every window).
    ReadOptions ro;
    ro.snapshot = in_.snapshot.get();
    absl::StatusOr<Record> rec = in_.db->Get(ro, key_, it_->timestamp());
    if (!rec.ok()) {
      if (!absl::IsNotFound(rec.status())) status_ = rec.status();
      return false;
    }
    fetched_ = std::move(rec->value);
    doc_ = fetched_;
    return true;
  }

  PlanInputs in_;
  std::unique_ptr<Matcher> matcher_;
  std::unique_ptr<Iterator> it_;
  std::unique_ptr<SpanWalker> walker_;
  absl::flat_hash_set<std::string> seen_;
  std::string key_;
  std::string fetched_;
  std::string_view doc_;
  absl::Status status_;
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
