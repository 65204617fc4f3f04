// The crash loop's use of the time-series and document layers: applying a
// logged layer operation (child) and rendering what the layers hold, in
// the expected-state format (parent).
#ifndef STRATA_STRESS_LAYERS_H_
#define STRATA_STRESS_LAYERS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/series.h"
#include "stress/expected_state.h"

namespace strata::stress {

inline constexpr char kCollection[] = "events";
inline constexpr char kIndex[] = "by_n";
inline constexpr const char* kMeasurements[] = {"m1", "m2"};

struct Layers {
  std::unique_ptr<TimeSeries> series;
  std::unique_ptr<DocumentStore> docs;
};

// Opens both layers over db and makes sure the collection exists.
absl::StatusOr<Layers> OpenLayers(DB* db);

// Applies a batch of layer operations (all kPoint, or one document op).
absl::Status ApplyLayerBatch(Layers* layers, const std::vector<Op>& ops,
                             bool sync);

// Points then documents, as Model::Render prints them.
absl::StatusOr<std::string> RenderLayers(Layers* layers);

}  // namespace strata::stress

#endif  // STRATA_STRESS_LAYERS_H_
