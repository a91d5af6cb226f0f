#include "core/train/losses.h"

#include <algorithm>
#include <cmath>

#include "core/base/error.h"

namespace autofocus {

namespace F = torch::nn::functional;

namespace {

// Softmax over the cells of sum_c|z| / beta, upsampled bicubically to height x width; [B, H*W].
torch::Tensor UpsampledSoftmax(const torch::Tensor& z, int height, int width, double beta) {
  const int64_t B = z.size(0), h = z.size(2), w = z.size(3);
  auto s = z.abs().sum(1).reshape({B, h * w}) / beta;
  auto p = torch::softmax(s, 1).reshape({B, h, w});
  // Bicubic upsampling is separable: Cy p Cx^T with the exact 1-D weight matrices. Two GEMMs
  // forward and backward instead of interpolate's scattering backward (the bulk of the
  // regulariser's cost at 20x38 -> 180x320).
  const auto cy = BicubicMatrix(static_cast<int>(h), height).to(z.device(), p.scalar_type());
  const auto cx = BicubicMatrix(static_cast<int>(w), width).to(z.device(), p.scalar_type());
  return torch::matmul(torch::matmul(cy, p), cx.t()).reshape({B, height * width});
}

}  // namespace

torch::Tensor GabrilAttention(const torch::Tensor& z, int height, int width, double beta) {
  const int64_t B = z.size(0);
  auto up = UpsampledSoftmax(z, height, width, beta);
  auto mn = std::get<0>(up.min(1, true));
  auto mx = std::get<0>(up.max(1, true));
  // A tiny floor keeps a flat map (all cells equal) finite instead of 0/0.
  return ((up - mn) / (mx - mn).clamp_min(1e-12)).reshape({B, height, width});
}

torch::Tensor GabrilMsePerSample(const torch::Tensor& z, const torch::Tensor& target, double beta) {
  const auto a =
      GabrilAttention(z, static_cast<int>(target.size(1)), static_cast<int>(target.size(2)), beta);
  return (a - target).pow(2).mean({1, 2});
}

torch::Tensor DistanceDefined(const torch::Tensor& target) {
  return (target.flatten(1).sum(1) > 0).to(target.scalar_type());
}

torch::Tensor MapDistancePerSample(const std::string& kind, const torch::Tensor& z,
                                   const torch::Tensor& target, double beta) {
  const int64_t B = target.size(0);
  const double eps = 1e-8;
  auto p =
      UpsampledSoftmax(z, static_cast<int>(target.size(1)), static_cast<int>(target.size(2)), beta)
          .clamp_min(0);
  p = p / p.sum(1, true).clamp_min(1e-12);
  auto q = target.reshape({B, -1}).to(p.scalar_type());
  const auto mass = q.sum(1, true);
  // An empty target has no distribution: give it a uniform one so the value stays finite,
  // then zero those samples (the loop leaves them out of the mean through DistanceDefined).
  q = torch::where(mass > 0, q / mass.clamp_min(1e-12),
                   torch::full_like(q, 1.0 / static_cast<double>(q.size(1))));
  auto kl = [&](const torch::Tensor& a, const torch::Tensor& b) {
    return (a * (torch::log(a + eps) - torch::log(b + eps))).sum(1);
  };
  torch::Tensor d;
  if (kind == "kl") {
    d = kl(q, p);
  } else if (kind == "js") {
    const auto m = 0.5 * (p + q);
    d = 0.5 * kl(q, m) + 0.5 * kl(p, m);
  } else if (kind == "tv") {
    d = 0.5 * (p - q).abs().sum(1);
  } else {
    throw Error("", "regularizer", "unknown distance \"" + kind + "\"");
  }
  return d * (mass.squeeze(1) > 0).to(d.scalar_type());
}

torch::Tensor BicubicMatrix(int in, int out) {
  // torch's upsample_bicubic2d with align_corners=false: src = (dst + 0.5) * in / out - 0.5
  // (not clamped), taps floor(src) - 1 .. + 2 clamped to the border, Keys' kernel with A = -0.75.
  const double A = -0.75;
  auto c1 = [&](double x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };
  auto c2 = [&](double x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };
  auto m = torch::zeros({out, in}, torch::kFloat64);
  auto acc = m.accessor<double, 2>();
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  for (int d = 0; d < out; ++d) {
    const double src = (d + 0.5) * scale - 0.5;
    const int i0 = static_cast<int>(std::floor(src));
    const double t = src - i0;
    const double w[4] = {c2(t + 1), c1(t), c1(1 - t), c2(2 - t)};
    for (int k = 0; k < 4; ++k) acc[d][std::min(std::max(i0 - 1 + k, 0), in - 1)] += w[k];
  }
  return m;
}

torch::Tensor BilinearMatrix(int in, int out) {
  // torch's align_corners=false rule: src = max((dst + 0.5) * in / out - 0.5, 0), the lower
  // index clamped to in - 1 and the upper one to the last sample.
  auto m = torch::zeros({out, in}, torch::kFloat64);
  auto acc = m.accessor<double, 2>();
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  for (int d = 0; d < out; ++d) {
    const double src = std::max((d + 0.5) * scale - 0.5, 0.0);
    int i0 = std::min(static_cast<int>(std::floor(src)), in - 1);
    const int i1 = i0 < in - 1 ? i0 + 1 : i0;
    const double l1 = std::min(std::max(src - i0, 0.0), 1.0);
    acc[d][i0] += 1.0 - l1;
    acc[d][i1] += l1;
  }
  return m.to(torch::kFloat32);
}

torch::Tensor L1OutsidePerSample(const torch::Tensor& z, const torch::Tensor& target) {
  const int64_t H = target.size(1), W = target.size(2);
  const int64_t h = z.size(2), w = z.size(3);
  const auto uy = BilinearMatrix(static_cast<int>(h), static_cast<int>(H))
                      .to(z.device(), z.scalar_type());  // [H, h]
  const auto ux = BilinearMatrix(static_cast<int>(w), static_cast<int>(W))
                      .to(z.device(), z.scalar_type());  // [W, w]
  torch::Tensor weights;
  {
    // U^T (1 - S) = Uy^T (1 - S) Ux per sample: the target is constant, so no graph is kept.
    torch::NoGradGuard guard;
    weights = torch::matmul(torch::matmul(uy.t(), 1 - target.to(z.dtype())), ux);  // [B, h, w]
  }
  const auto m = z.abs().sum(1);  // [B, h, w]
  return (m * weights).sum({1, 2}) / static_cast<double>(H * W);
}

torch::Tensor L1OutsideNaivePerSample(const torch::Tensor& z, const torch::Tensor& target) {
  const int64_t H = target.size(1), W = target.size(2);
  auto f = F::interpolate(z.abs().sum(1, true), F::InterpolateFuncOptions()
                                                    .size(std::vector<int64_t>{H, W})
                                                    .mode(torch::kBilinear)
                                                    .align_corners(false));
  return (f.squeeze(1) * (1 - target)).mean({1, 2});
}

torch::Tensor RegularizerPerSample(const std::string& name, const torch::Tensor& z,
                                   const torch::Tensor& target, double beta) {
  if (name == "gabril_mse") return GabrilMsePerSample(z, target, beta);
  if (name == "l1_outside") return L1OutsidePerSample(z, target);
  if (name == "l1_outside_naive") return L1OutsideNaivePerSample(z, target);
  if (name == "kl" || name == "js" || name == "tv")
    return MapDistancePerSample(name, z, target, beta);
  throw Error("", "regularizer", "unknown regularizer \"" + name + "\"");
}

}  // namespace autofocus
