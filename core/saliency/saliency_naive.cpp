// The naive reference: Eq. 1 evaluated literally, one double exp per pixel and kernel. Kept
// deliberately separate from the fast path (no shared kernel construction) so that the
// exactness test compares two independent readings of the formula.
#include <algorithm>
#include <cmath>

#include "core/base/error.h"
#include "core/saliency/saliency_renderer.h"

namespace autofocus {

std::vector<double> RenderSaliencyFrameNaive(const SaliencyInput& input,
                                             const SaliencyOptions& options, size_t t) {
  options.Check();
  if (t >= input.frames.size()) throw Error("", "frame", "index out of range");
  const int W = input.image_width, H = input.image_height;
  const int out_w = options.OutputWidth(W), out_h = options.OutputHeight(H);
  std::vector<double> map(static_cast<size_t>(out_w) * out_h, 0.0);

  struct Term {
    double cx, cy, sx, sy, weight;
  };
  std::vector<Term> terms;
  for (int k = 0; k < options.window && static_cast<size_t>(k) <= t; ++k) {
    const double sigma = options.sigma_growth == SigmaGrowth::kGeometric
                             ? options.Sigma0(W) / std::pow(options.beta, k)
                             : options.Sigma0(W) + k * options.Delta(W);
    for (const Box& b : input.frames[t - k]) {
      Term term{(double(b.x1) + b.x2) / 2, (double(b.y1) + b.y2) / 2, sigma, sigma,
                std::pow(options.decay, k)};
      if (options.kernel == SaliencyKernel::kBox) {
        const double bw = double(b.x2) - b.x1, bh = double(b.y2) - b.y1;
        const double a = options.box_max_aspect;
        double ratio = 1;
        if (bw > 0 && bh > 0)
          ratio = std::min(a, std::max(1 / a, bw / bh));
        else if (bw > 0)
          ratio = a;
        else if (bh > 0)
          ratio = 1 / a;
        term.sx = sigma * std::sqrt(ratio);
        term.sy = sigma / std::sqrt(ratio);
      }
      terms.push_back(term);
    }
  }
  if (terms.empty()) {
    std::fill(map.begin(), map.end(), options.empty == EmptyPolicy::kUniform ? 1.0 : 0.0);
    return map;
  }
  // Output pixel (x, y) samples the full-size map at its centre mapped into image pixels.
  for (int y = 0; y < out_h; ++y) {
    const double py = (y + 0.5) * H / out_h;
    for (int x = 0; x < out_w; ++x) {
      const double px = (x + 0.5) * W / out_w;
      double s = 0;
      for (const Term& o : terms) {
        const double dx = px - o.cx, dy = py - o.cy;
        s += o.weight * std::exp(-(dx * dx / (2 * o.sx * o.sx) + dy * dy / (2 * o.sy * o.sy)));
      }
      map[static_cast<size_t>(y) * out_w + x] = s;
    }
  }
  const auto [lo, hi] = std::minmax_element(map.begin(), map.end());
  const double mn = *lo, mx = *hi;
  if (mx <= 0) {
    // Every term underflowed (objects ~40 sigma away from every pixel): nothing to show.
    std::fill(map.begin(), map.end(), options.empty == EmptyPolicy::kUniform ? 1.0 : 0.0);
  } else if (mx - mn <= 1e-6 * mx) {
    std::fill(map.begin(), map.end(), 1.0);  // flat map: every pixel equally salient
  } else {
    for (double& v : map) v = (v - mn) / (mx - mn);
  }
  return map;
}

}  // namespace autofocus
