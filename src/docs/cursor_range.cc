// IndexedDB-style key-range reads (Scan, Keys): one span of primary keys
// or index entries between JSON bounds, open or closed, forward or
// reverse, with a count limit. Bounds encode with the index-key encoding,
// so a range may cross type brackets (unlike filter comparisons). An index
// read yields one result per entry: a multi-entry index can return a
// document once per matching element, as IndexedDB does.
#include <memory>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/doc_store.h"
#include "docs/index_key.h"
#include "docs/planner.h"
#include "util/errors.h"

namespace strata::docs {

namespace {

// prefix + the components of bound (a scalar, or an array of at most n
// scalars for an index).
absl::Status AppendBound(std::string_view bound, size_t n, bool primary,
                         std::string* out) {
  JsonParseOptions po;
  po.what = "key range bound";
  po.max_depth = 2;
  po.max_bytes = 64 << 10;
  absl::StatusOr<JsonValue> v = ParseJson(bound, po);
  if (!v.ok()) return v.status();
  std::vector<JsonValue> parts;
  if (v->is_array() && !primary) {
    parts = v->array();
    if (parts.size() > n) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "key range bound %s has more than %d components", bound, n));
    }
  } else {
    parts.push_back(*std::move(v));
  }
  for (const JsonValue& p : parts) {
    if (auto st = AppendIndexKey(out, p); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "key range bound %s: components must be scalars", bound));
    }
  }
  return absl::OkStatus();
}

class RangeCursor final : public DocCursor {
 public:
  RangeCursor(DB* db, std::shared_ptr<const CollectionInfo> info,
              std::shared_ptr<const Snapshot> snapshot, const IndexInfo* ix,
              KeySpan span, const KeyRange& range, bool keys_only)
      : db_(db),
        info_(std::move(info)),
        snapshot_(std::move(snapshot)),
        ix_(ix),
        span_(std::move(span)),
        reverse_(range.reverse),
        limit_(range.limit),
        keys_only_(keys_only) {
    ReadOptions ro;
    ro.snapshot = snapshot_.get();
    if (span_.start >= span_.limit) return;
    it_ = db->NewIterator(ro, ScanRange{span_.start, span_.limit});
  }

  bool Next() override {
    if (it_ == nullptr || !status_.ok()) return false;
    if (limit_ > 0 && returned_ >= limit_) return false;
    while (true) {
      if (!started_) {
        started_ = true;
        reverse_ ? it_->SeekToLast() : it_->SeekToFirst();
      } else {
        reverse_ ? it_->Prev() : it_->Next();
      }
      if (!it_->Valid()) {
        status_ = it_->status();
        return false;
      }
      std::string_view pk;
      if (ix_ == nullptr) {
        pk = it_->key().substr(info_->doc_prefix.size());
        if (!keys_only_) doc_ = it_->value();
      } else {
        std::string_view values;
        if (!SplitIndexEntry(it_->key().substr(ix_->prefix.size()),
                             ix_->spec.paths.size(), &values, &pk)) {
          status_ =
              CorruptionError(absl::StrFormat("index \"%s\"", ix_->spec.name),
                              0, "malformed index entry key");
          return false;
        }
        if (!keys_only_ && !Fetch(pk, it_->timestamp())) {
          if (!status_.ok()) return false;
          continue;  // expired between the reads
        }
      }
      absl::StatusOr<std::string> key = PrimaryKeyToJson(pk);
      if (!key.ok()) {
        status_ = key.status();
        return false;
      }
      key_ = *std::move(key);
      ++returned_;
      return true;
    }
  }

  std::string_view key() const override { return key_; }
  std::string_view document() const override { return doc_; }
  absl::Status status() const override { return status_; }

 private:
  bool Fetch(std::string_view pk, Timestamp ts) {
    doc_key_.assign(info_->doc_prefix).append(pk);
    ReadOptions ro;
    ro.snapshot = snapshot_.get();
    absl::StatusOr<Record> rec = db_->Get(ro, doc_key_, ts);
    if (!rec.ok()) {
      if (!absl::IsNotFound(rec.status())) status_ = rec.status();
      return false;
    }
    fetched_ = std::move(rec->value);
    doc_ = fetched_;
    return true;
  }

  DB* const db_;
  std::shared_ptr<const CollectionInfo> info_;
  std::shared_ptr<const Snapshot> snapshot_;
  const IndexInfo* ix_;
  const KeySpan span_;
  const bool reverse_;
  const uint64_t limit_;
  const bool keys_only_;
  std::unique_ptr<Iterator> it_;
  bool started_ = false;
  uint64_t returned_ = 0;
  std::string key_;
  std::string doc_key_;
  std::string fetched_;
  std::string_view doc_;
  absl::Status status_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DocCursor>> NewRangeCursor(
    DB* db, std::shared_ptr<const CollectionInfo> info,
    std::shared_ptr<const Snapshot> snapshot, std::string_view index,
    const KeyRange& range, bool keys_only) {
  const IndexInfo* ix = nullptr;
  if (!index.empty()) {
    ix = info->FindIndex(index);
    if (ix == nullptr) {
      return absl::NotFoundError(absl::StrFormat(
          "collection \"%s\" has no index \"%s\"", info->spec.name, index));
    }
  }
  const std::string& prefix = ix != nullptr ? ix->prefix : info->doc_prefix;
  const size_t n = ix != nullptr ? ix->spec.paths.size() : 1;
  KeySpan span{prefix, PrefixEnd(prefix)};
  if (!range.lower.empty()) {
    std::string k = prefix;
    if (auto st = AppendBound(range.lower, n, ix == nullptr, &k); !st.ok()) {
      return st;
    }
    span.start = range.lower_open ? PrefixSuccessor(k) : k;
  }
  if (!range.upper.empty()) {
    std::string k = prefix;
    if (auto st = AppendBound(range.upper, n, ix == nullptr, &k); !st.ok()) {
      return st;
    }
    span.limit = range.upper_open ? k : PrefixSuccessor(k);
  }
  return std::make_unique<RangeCursor>(db, std::move(info), std::move(snapshot),
                                       ix, std::move(span), range, keys_only);
}

absl::StatusOr<std::unique_ptr<DocCursor>> DocStoreImpl::Scan(
    std::string_view collection, std::string_view index,
    const KeyRange& range) {
  std::unique_ptr<const Snapshot> snapshot;
  absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
      InfoWithSnapshot(collection, &snapshot);
  if (!info.ok()) return info.status();
  return NewRangeCursor(db_, *std::move(info), std::move(snapshot), index,
                        range, false);
}

absl::StatusOr<std::vector<std::string>> DocStoreImpl::Keys(
    std::string_view collection, std::string_view index,
    const KeyRange& range) {
  absl::StatusOr<std::unique_ptr<DocCursor>> c =
      [&]() -> absl::StatusOr<std::unique_ptr<DocCursor>> {
    std::unique_ptr<const Snapshot> snapshot;
    absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
        InfoWithSnapshot(collection, &snapshot);
    if (!info.ok()) return info.status();
    return NewRangeCursor(db_, *std::move(info), std::move(snapshot), index,
                          range, true);
  }();
  if (!c.ok()) return c.status();
  std::vector<std::string> keys;
  while ((*c)->Next()) keys.emplace_back((*c)->key());
  if (auto st = (*c)->status(); !st.ok()) return st;
  return keys;
}

}  // namespace strata::docs
