#pragma once

// Scoring an episode's attention maps against a reference: the maps are resampled to the
// reference size (bilinear, half-pixel centres), one evidence direction is taken of signed maps
// (Grad-CAM), then every metric of saliency_metrics.h plus the attention mass inside the key
// objects, the distractors and the confound icon region. Torch-free.

#include <optional>
#include <vector>

#include "core/attention/attention_cache.h"
#include "core/attention/attention_options.h"
#include "core/attention/attention_reference.h"
#include "core/attention/saliency_metrics.h"

namespace autofocus {

// The scores of one frame.
struct FrameAttentionScore {
  FrameMetrics metrics;                   // NSS, CC, KL, SIM, AUC-Judd vs the reference
  std::optional<double> mass_key;         // share inside the key boxes (frames with some)
  std::optional<double> mass_distractor;  // inside ground-truth irrelevant objects
  std::optional<double> mass_icon;        // inside the confound icon region
};

// Scores every frame of `maps` against `ref` (same frame count; Error otherwise).
std::vector<FrameAttentionScore> ScoreAttention(const AttentionMaps& maps,
                                                const ReferenceEpisode& ref, Evidence evidence);

// {"frames":[{"nss","cc","kl","sim","auc_judd","mass_key","mass_distractor","mass_icon"}...],
//  "mean":{...}} with null for a missing value and means over the frames that have one.
Json ScoresJson(const std::vector<FrameAttentionScore>& scores);

// The "mean" object of ScoresJson over several episodes' scores pooled frame by frame.
Json MeanScoresJson(const std::vector<FrameAttentionScore>& scores);

}  // namespace autofocus
