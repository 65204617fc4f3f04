// Helpers shared by the acceptance audit tests (docs/acceptance.md): a
// clock a user would inject through the public Env interface, and this
// binary's heap accounting (audit_heap.cc replaces operator new/delete) so
// tests can bound the memory a query needs.
#ifndef STRATA_TESTS_SERIES_AUDIT_SUPPORT_H_
#define STRATA_TESTS_SERIES_AUDIT_SUPPORT_H_

#include <atomic>
#include <cstdint>

#include "strata/env.h"

namespace strata::audit {

// Wall time is whatever the test says; files come from the base Env.
class FakeClockEnv : public EnvWrapper {
 public:
  FakeClockEnv(Env* base, int64_t now) : EnvWrapper(base), now_(now) {}
  int64_t NowNanos() override { return now_.load(); }
  void Set(int64_t ns) { now_ = ns; }
  void Advance(int64_t ns) { now_ += ns; }

 private:
  std::atomic<int64_t> now_;
};

// Bytes of heap live now, counted by malloc_usable_size of every
// operator new allocation of this binary.
int64_t HeapLiveBytes();
// Starts a new peak measurement at the current live bytes.
void ResetHeapPeak();
// Highest live bytes since ResetHeapPeak, minus the live bytes then.
int64_t HeapPeakAboveReset();

}  // namespace strata::audit

#endif  // STRATA_TESTS_SERIES_AUDIT_SUPPORT_H_
