// ManualClockEnv: an Env whose wall clock (NowNanos, the "now" of TTL
// expiry) is set by the test, so expiry can be tested without sleeping.
// Everything else, including MonotonicNanos and SleepForMicros, forwards to
// the wrapped Env.
#ifndef STRATA_ENV_MANUAL_CLOCK_ENV_H_
#define STRATA_ENV_MANUAL_CLOCK_ENV_H_

#include <atomic>
#include <cstdint>

#include "strata/env.h"

namespace strata {

class ManualClockEnv : public EnvWrapper {
 public:
  // A fixed, realistic default start (2023-11-14T22:13:20Z) keeps tests
  // deterministic without timestamps near zero.
  static constexpr int64_t kDefaultStartNanos =
      int64_t{1'700'000'000} * 1'000'000'000;

  explicit ManualClockEnv(Env* target, int64_t start_nanos = kDefaultStartNanos)
      : EnvWrapper(target), now_(start_nanos) {}

  int64_t NowNanos() override { return now_.load(std::memory_order_acquire); }

  void SetNow(int64_t nanos) { now_.store(nanos, std::memory_order_release); }
  void Advance(int64_t nanos) {
    now_.fetch_add(nanos, std::memory_order_acq_rel);
  }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace strata

#endif  // STRATA_ENV_MANUAL_CLOCK_ENV_H_
