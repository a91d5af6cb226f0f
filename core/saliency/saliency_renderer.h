#pragma once

#include <cstddef>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/progress.h"
#include "core/saliency/saliency_input.h"
#include "core/saliency/saliency_options.h"

namespace autofocus {

// One Gaussian of Eq. 1 in output-map pixels (what a key object of frame t-k contributes).
struct SaliencyKernelSpec {
  double cx = 0, cy = 0;  // centre, output pixels (continuous; pixel i has centre i + 0.5)
  double sx = 1, sy = 1;  // standard deviations along x and y, output pixels
  double weight = 1;      // temporal weight decay^k
};

// The Gaussians that make up the map of frame `t`: the objects of frames t, t-1, ..., t-K+1
// (frames before 0 do not exist), with sigma_k, decay^k and, for the box kernel, the box's
// aspect ratio, all scaled from image to output pixels.
std::vector<SaliencyKernelSpec> CollectSaliencyKernels(const std::vector<std::vector<Box>>& frames,
                                                       size_t t, const SaliencyOptions& options,
                                                       int image_width, int image_height);

// The fast separable renderer: each Gaussian is an outer product gy * gx^T, so a frame is the
// matrix product (H x n) * (n x W), computed in float with SIMD (AVX2/FMA chosen at run time).
// Holds scratch buffers, so one renderer must not be used by two threads at once.
class SaliencyRenderer {
 public:
  // Calls options.Check(); throws Error when the image size is not positive.
  SaliencyRenderer(const SaliencyOptions& options, int image_width, int image_height);

  int width() const { return out_w_; }   // map width in pixels
  int height() const { return out_h_; }  // map height in pixels
  size_t frame_size() const { return static_cast<size_t>(out_w_) * out_h_; }  // floats per map

  // Writes the map of frame t (row-major, frame_size() floats, values in [0,1]) to `out`.
  // Boxes must be valid (SaliencyInput::Validate); t < frames.size().
  void RenderFrame(const std::vector<std::vector<Box>>& frames, size_t t, float* out);
  // Same, for an explicit list of kernels (empty = the empty policy).
  void RenderKernels(const std::vector<SaliencyKernelSpec>& kernels, float* out);

 private:
  SaliencyOptions options_;
  int image_w_, image_h_, out_w_, out_h_;
  int padded_w_;                // out_w_ rounded up to the SIMD block
  std::vector<float> gx_, gy_;  // 1-D factors (storage over-allocated for 32-byte alignment)
};

// Renders every frame of `input` into `out` (T x H_out x W_out floats, C order) on `threads`
// worker threads (0 = hardware concurrency). Validates the input first (Error naming the
// object). Reports progress per frame; throws Cancelled when `stop` fires.
void RenderSaliencyEpisode(const SaliencyInput& input, const SaliencyOptions& options, float* out,
                           int threads = 0, const ProgressCallback& progress = {},
                           const StopCheck& stop = {});

// Convenience overload that allocates the result.
std::vector<float> RenderSaliencyEpisode(const SaliencyInput& input, const SaliencyOptions& options,
                                         int threads = 0, const ProgressCallback& progress = {},
                                         const StopCheck& stop = {});

// Direct double-precision evaluation of Eq. 1 at every output pixel centre mapped back to the
// image ((x + 0.5) * W / W_out), written independently of the fast path: the reference that
// tests and the benchmark compare against. Row-major, H_out x W_out values.
std::vector<double> RenderSaliencyFrameNaive(const SaliencyInput& input,
                                             const SaliencyOptions& options, size_t t);

}  // namespace autofocus
