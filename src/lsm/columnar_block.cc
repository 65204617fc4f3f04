// A decoded columnar block: the payload is decoded once into arrays
// (columnar_decode.cc) that ColumnarIterator (columnar_iterator.h) indexes.
// Byte format: schema/columnar-block.md.
#include <typeinfo>
#include <utility>

#include "lsm/block.h"
#include "lsm/columnar_columns.h"
#include "lsm/columnar_iterator.h"

namespace strata {
namespace {

class ColumnarBlock final : public Block {
 public:
  explicit ColumnarBlock(std::string payload) : payload_(std::move(payload)) {}

  absl::Status Init(uint32_t count, std::string_view where) {
    absl::Status s = DecodeColumnarPayload(payload_, count, where, &cols_);
    if (s.ok() && cols_.value_offsets.empty()) {
      // Nothing points into the payload: give its memory back.
      std::string().swap(payload_);
    }
    return s;
  }

  size_t MemoryUsage() const override {
    return sizeof(*this) + payload_.capacity() + cols_.MemoryUsage();
  }
  std::unique_ptr<InternalIterator> NewIterator() const override {
    return std::make_unique<ColumnarIterator>(cols_);
  }
  bool Rebind(InternalIterator* it) const override {
    if (it == nullptr || typeid(*it) != typeid(ColumnarIterator)) return false;
    static_cast<ColumnarIterator*>(it)->Reset(cols_);
    return true;
  }

 private:
  std::string payload_;
  ColumnarColumns cols_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Block>> DecodeColumnarBlock(
    std::string payload, uint32_t count, std::string_view where) {
  // Move the payload into the block first: value slices point into it.
  auto block = std::make_unique<ColumnarBlock>(std::move(payload));
  absl::Status s = block->Init(count, where);
  if (!s.ok()) return s;
  return std::unique_ptr<Block>(std::move(block));
}

}  // namespace strata
