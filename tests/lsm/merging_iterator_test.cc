// MergingIterator against a sorted model: children holding disjoint
// stretches (the merge's no-sift fast path), interleaved entries, empty
// children and keys of differing lengths, walked forward, backward and
// with random seeks and direction switches. A failing child must end the
// merge with its error.
#include "lsm/merging_iterator.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lsm/dbformat.h"

namespace strata {
namespace {

// A child over sorted internal keys; the value is the key's index in the
// model. Fails (invalid, error status) when it reaches entry fail_at.
class VectorIterator final : public InternalIterator {
 public:
  VectorIterator(std::vector<std::string> keys, size_t fail_at)
      : keys_(std::move(keys)), fail_at_(fail_at) {}

  bool Valid() const override { return pos_ < keys_.size() && status_.ok(); }
  void SeekToFirst() override { Set(0); }
  void SeekToLast() override { Set(keys_.empty() ? kNone : keys_.size() - 1); }
  void Seek(std::string_view target) override {
    Set(std::lower_bound(keys_.begin(), keys_.end(), target,
                         InternalKeyLess()) -
        keys_.begin());
  }
  void SeekForPrev(std::string_view target) override {
    size_t i = std::upper_bound(keys_.begin(), keys_.end(), target,
                                [](std::string_view a, const std::string& b) {
                                  return CompareInternalKeys(a, b) < 0;
                                }) -
               keys_.begin();
    Set(i == 0 ? kNone : i - 1);
  }
  void Next() override { Set(pos_ + 1); }
  void Prev() override { Set(pos_ == 0 ? kNone : pos_ - 1); }
  std::string_view key() const override { return keys_[pos_]; }
  std::string_view value() const override { return keys_[pos_]; }
  int64_t expire_at() const override { return static_cast<int64_t>(pos_); }
  absl::Status status() const override { return status_; }

 private:
  static constexpr size_t kNone = ~size_t{0};
  void Set(size_t i) {
    pos_ = i;
    if (i < keys_.size() && i == fail_at_) {
      status_ = absl::DataLossError("child failed");
    }
  }

  std::vector<std::string> keys_;
  const size_t fail_at_;
  size_t pos_ = kNone;
  absl::Status status_;
};

std::string Key(std::string_view user_key, Timestamp ts, SequenceNumber seq) {
  std::string k;
  AppendInternalKey(&k, user_key, ts, seq, ValueKind::kPut);
  return k;
}

// How entries are dealt to children.
enum class Layout { kDisjointRuns, kInterleaved, kMixed };

struct Fixture {
  std::vector<std::string> model;  // all keys, sorted
  std::vector<std::vector<std::string>> parts;
};

Fixture Make(Layout layout, size_t children, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Fixture f;
  // User keys of differing lengths, some prefixes of others ("a" < "a\0"
  // < "ab"), so both comparison paths run.
  const std::vector<std::string> users = {
      "a", std::string("a\0", 2), "ab", "abc", "b", "bb"};
  for (size_t i = 0; i < n; ++i) {
    f.model.push_back(Key(users[rng() % users.size()],
                          static_cast<Timestamp>(rng() % 8) - 4, i + 1));
  }
  std::sort(f.model.begin(), f.model.end(), InternalKeyLess());
  f.parts.resize(children);
  size_t run_child = 0, run_left = 0;
  for (const std::string& k : f.model) {
    size_t c = 0;
    switch (layout) {
      case Layout::kDisjointRuns:
        c = (&k - f.model.data()) * children / f.model.size();
        break;
      case Layout::kInterleaved:
        c = rng() % children;
        break;
      case Layout::kMixed:
        if (run_left == 0) {
          run_child = rng() % children;
          run_left = 1 + rng() % 6;
        }
        --run_left;
        c = run_child;
        break;
    }
    f.parts[c].push_back(k);
  }
  return f;
}

std::unique_ptr<InternalIterator> Merge(const Fixture& f,
                                        size_t fail_child = ~size_t{0},
                                        size_t fail_at = ~size_t{0}) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  for (size_t c = 0; c < f.parts.size(); ++c) {
    children.push_back(std::make_unique<VectorIterator>(
        f.parts[c], c == fail_child ? fail_at : ~size_t{0}));
  }
  return NewMergingIterator(std::move(children));
}

struct Case {
  const char* name;
  Layout layout;
  size_t children;
  size_t n;
};

const Case kCases[] = {
    {"disjoint 2", Layout::kDisjointRuns, 2, 200},
    {"disjoint 5", Layout::kDisjointRuns, 5, 300},
    {"interleaved 2", Layout::kInterleaved, 2, 200},
    {"interleaved 4", Layout::kInterleaved, 4, 300},
    {"mixed 3", Layout::kMixed, 3, 300},
    {"mixed 7", Layout::kMixed, 7, 60},
    {"one child of several non-empty", Layout::kDisjointRuns, 1, 50},
};

TEST(MergingIteratorTest, ScansMatchModel) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    Fixture f = Make(c.layout, c.children, c.n, 7);
    if (c.children == 1) f.parts.resize(4);  // three empty children
    auto it = Merge(f);
    std::vector<std::string> fwd;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      fwd.emplace_back(it->key());
      ASSERT_EQ(it->value(), it->key());
    }
    EXPECT_EQ(fwd, f.model);
    std::vector<std::string> back;
    for (it->SeekToLast(); it->Valid(); it->Prev())
      back.emplace_back(it->key());
    std::reverse(back.begin(), back.end());
    EXPECT_EQ(back, f.model);
    EXPECT_TRUE(it->status().ok());
  }
}

TEST(MergingIteratorTest, RandomMovesMatchModel) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    for (uint32_t seed = 1; seed <= 5; ++seed) {
      Fixture f = Make(c.layout, c.children, c.n, seed);
      auto it = Merge(f);
      std::mt19937 rng(seed * 31);
      const size_t n = f.model.size();
      size_t pos = n;  // model position; n = invalid
      for (int step = 0; step < 2000; ++step) {
        const uint32_t op = rng() % 10;
        if (pos == n || op == 0) {
          // A target between or on model keys.
          std::string target = f.model[rng() % n];
          if (rng() % 2) target = Key(ExtractUserKey(target), 0, rng() % n);
          if (rng() % 2) {
            it->Seek(target);
            pos = std::lower_bound(f.model.begin(), f.model.end(), target,
                                   InternalKeyLess()) -
                  f.model.begin();
          } else {
            it->SeekForPrev(target);
            size_t i = 0;
            while (i < n && CompareInternalKeys(f.model[i], target) <= 0) ++i;
            pos = i == 0 ? n : i - 1;
          }
        } else if (op < 6) {
          it->Next();
          pos = pos + 1;
        } else {
          it->Prev();
          pos = pos == 0 ? n : pos - 1;
        }
        ASSERT_EQ(it->Valid(), pos < n) << "step " << step;
        if (pos < n) {
          ASSERT_EQ(it->key(), f.model[pos]) << "step " << step;
        }
      }
    }
  }
}

TEST(MergingIteratorTest, FailingChildEndsTheMerge) {
  for (const Case& c : kCases) {
    if (c.children < 2) continue;
    SCOPED_TRACE(c.name);
    Fixture f = Make(c.layout, c.children, c.n, 3);
    ASSERT_GE(f.parts[0].size(), 3u);
    // The child fails on reaching its third entry, whichever way it moves.
    auto it = Merge(f, /*fail_child=*/0, /*fail_at=*/2);
    size_t seen = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++seen;
    EXPECT_LT(seen, f.model.size());
    EXPECT_FALSE(it->status().ok());
  }
}

}  // namespace
}  // namespace strata
