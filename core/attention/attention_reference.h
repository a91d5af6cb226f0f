#pragma once

// Reference maps an attention map is scored against, for one episode of a project, at the
// policy's input size: the pipeline's saliency (key boxes through SaliencyRenderer, as the
// training target), the gaze map (RenderGazeMap) or the sample world's ground-truth relevance
// (relevant objects' boxes through the same renderer). Torch-free.

#include <optional>
#include <string>
#include <vector>

#include "core/attention/saliency_metrics.h"
#include "core/base/geometry.h"
#include "core/dataset/project_store.h"
#include "core/train/train_options.h"

namespace autofocus {

// The references AttentionReference accepts.
const std::vector<std::string>& ReferenceKinds();

// One episode's reference at width x height.
struct ReferenceEpisode {
  std::string kind;                                // saliency | gaze | ground-truth
  int width = 0, height = 0;                       // map size
  std::vector<float> maps;                         // frames x height x width
  std::vector<std::vector<Fixation>> fixations;    // per frame, map pixels
  std::vector<std::vector<Box>> key_boxes;         // per frame, map pixels (may be empty)
  std::vector<std::vector<Box>> distractor_boxes;  // per frame: ground-truth irrelevant objects
  std::optional<Box> icon_region;                  // the confound icons' region, if drawn

  // Frame t's map.
  const float* frame(size_t t) const {
    return maps.data() + t * static_cast<size_t>(width) * static_cast<size_t>(height);
  }
};

// Builds `kind` for `episode` of `store` at width x height. `options` gives the gaze map
// parameters (a run's stored TrainOptions); the saliency parameters are the project's. Fixations
// are the gaze points (gaze) or the key-object / relevant-object centres (saliency,
// ground-truth). Throws Error naming the missing artifact (key_objects, gaze, ground_truth).
ReferenceEpisode BuildReference(const ProjectStore& store, const std::string& episode,
                                const std::string& kind, const TrainOptions& options, int width,
                                int height);

}  // namespace autofocus
