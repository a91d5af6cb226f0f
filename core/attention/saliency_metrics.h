#pragma once

// Saliency metrics as the MIT saliency benchmark defines them (cvzoya/saliency,
// code_forMetrics; ../shared/ATTENTION.md), on row-major float maps of one frame. Torch-free:
// the `autofocus` CLI (`saliency compare`) links it. Conventions (docs/attention.md):
// - NSS: z-score with the sample std (N-1, MATLAB `std`); each fixated pixel counted once.
// - CC: Pearson correlation; 0 when exactly one map is constant, 1 when both are.
// - KL: reference G as the distribution, KL = sum P ln(eps + P / (Q + eps)), eps = 2.2204e-16.
// - SIM: min-max each map, normalise to sum 1, sum of the minimum (a constant map is uniform).
// - AUC-Judd: seeded jitter of 1e-7 to break ties, min-max, fixation thresholds, trapezoid;
//   0.5 for a constant map.
// - KL, SIM and attention mass need non-negative maps; a map summing to 0 counts as uniform.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"

namespace autofocus {

// A fixation in map pixels: x = column, y = row (pixel i covers [i, i+1)).
struct Fixation {
  double x = 0, y = 0;  // pixel coordinates
};

// The distinct pixel indices (row-major) of `fixations` on a width x height map (MATLAB's
// binary fixation map: each pixel once). Throws Error(file, where, ...) for a point outside
// the map or a non-finite one.
std::vector<size_t> FixationPixels(const std::vector<Fixation>& fixations, int width, int height,
                                   const std::string& file = {}, const std::string& where = {});

// Normalized scanpath saliency of map s (n values) at the fixated pixels; 0 for a constant
// map. Needs at least one fixation.
double Nss(const float* s, size_t n, const std::vector<size_t>& fixated);
// Pearson correlation coefficient of two maps.
double Cc(const float* s, const float* g, size_t n);
// KL divergence of the prediction s from the reference g (g is the distribution P).
double KlDivergence(const float* s, const float* g, size_t n);
// Similarity (histogram intersection) of the min-max normalised maps, in [0, 1].
double Similarity(const float* s, const float* g, size_t n);
// AUC-Judd of map s against the fixated pixels; `jitter_seed` seeds the tie-breaking noise
// (0 = no jitter). Needs at least one fixation.
double AucJudd(const float* s, size_t n, const std::vector<size_t>& fixated,
               uint64_t jitter_seed = 1);
// Share of the map's mass (negative values clipped to 0) inside the union of `boxes` (map
// pixels; a pixel counts when its centre is inside a box). A zero map counts as uniform.
double AttentionMass(const float* s, int width, int height, const std::vector<Box>& boxes);

// The metrics of one frame; fixation-based ones are empty without fixations.
struct FrameMetrics {
  std::optional<double> nss;       // needs fixations
  double cc = 0;                   // Pearson correlation
  double kl = 0;                   // KL(reference || prediction)
  double sim = 0;                  // similarity
  std::optional<double> auc_judd;  // needs fixations
};

// All metrics of one frame of prediction `pred` against reference `ref` (width x height
// each). `fixations` may be null (no fixation metrics). `jitter_seed` as in AucJudd.
FrameMetrics ComputeFrameMetrics(const float* pred, const float* ref, int width, int height,
                                 const std::vector<Fixation>* fixations, uint64_t jitter_seed = 1);

// Checks that a map stack is usable for the distribution metrics: finite and non-negative.
// Throws Error(file, "frame T", reason) naming the first offending frame.
void CheckMapStack(const float* maps, int64_t frames, int64_t frame_size, const std::string& file);

// {"frames":[{"nss":..,"cc":..,"kl":..,"sim":..,"auc_judd":..},...],"mean":{...}}: null for a
// missing metric; a mean over the frames where the metric exists (null when none has it).
Json MetricsReportJson(const std::vector<FrameMetrics>& frames);

// Means of the metrics over frames (same rules as MetricsReportJson's "mean").
Json MeanMetricsJson(const std::vector<FrameMetrics>& frames);

// Reads F.json: a list with one entry per frame, each a list of [x, y] pixel coordinates.
// Throws Error naming the file and entry when it is malformed or has not `frames` entries.
std::vector<std::vector<Fixation>> LoadFixations(const std::filesystem::path& file, int64_t frames);

}  // namespace autofocus
