// Merges sorted child iterators into one sorted stream (duplicates kept:
// the same internal key never appears twice because sequences are unique).
#ifndef STRATA_LSM_MERGING_ITERATOR_H_
#define STRATA_LSM_MERGING_ITERATOR_H_

#include <memory>
#include <vector>

#include "lsm/internal_iterator.h"

namespace strata {

std::unique_ptr<InternalIterator> NewMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children);

}  // namespace strata

#endif  // STRATA_LSM_MERGING_ITERATOR_H_
