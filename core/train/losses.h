#pragma once

// The saliency regularisers of core/train (LibTorch): each maps the encoder's feature map z
// [B, c, h, w] and a target map [B, H, W] in [0, 1] to a per-sample loss [B].

#include <torch/torch.h>

#include <string>

namespace autofocus {

// Per-sample upsampled attention map of gabril_mse before the MSE ([B, H, W], in [0,1]):
// softmax over the cells of sum_c|z| / beta, bicubic upsampling (align_corners false) to
// height x width, per-sample min-max.
torch::Tensor GabrilAttention(const torch::Tensor& z, int height, int width, double beta);

// gabril_mse (reference code): MSE between GabrilAttention and the target, averaged over
// pixels; per sample [B].
torch::Tensor GabrilMsePerSample(const torch::Tensor& z, const torch::Tensor& target, double beta);

// The GABRIL distances between the attention and the target, both normalised to sum 1 over
// the pixels: "kl" = KL(target || attention), "js" = Jensen-Shannon, "tv" = total variation
// (half the L1 distance). The attention is the bicubic-upsampled softmax, clamped at 0 (bicubic
// overshoots) and renormalised; logs use an epsilon of 1e-8. Per sample [B]; a sample whose
// target is all zero gets 0 (see DistanceDefined).
torch::Tensor MapDistancePerSample(const std::string& kind, const torch::Tensor& z,
                                   const torch::Tensor& target, double beta);
// 1 where the target has mass (the distances are defined), else 0; [B].
torch::Tensor DistanceDefined(const torch::Tensor& target);

// The matrix of 1-D bicubic upsampling (align_corners false, A = -0.75, border taps clamped)
// from `in` to `out` samples, [out, in] in double precision: what torch's bicubic interpolate
// computes along one axis.
torch::Tensor BicubicMatrix(int in, int out);

// The matrix of 1-D bilinear upsampling (align_corners false) from `in` to `out` samples,
// [out, in], exactly what torch's interpolate computes along one axis.
torch::Tensor BilinearMatrix(int in, int out);

// l1_outside (paper Eq. 2), per sample [B]: mean over input pixels of F * (1 - S), F = the
// bilinear upsampling of sum_c |z|. Computed at feature resolution: sum_q |z|(q) (U^T(1-S))(q)
// / (H W), with U^T applied to the target once.
torch::Tensor L1OutsidePerSample(const torch::Tensor& z, const torch::Tensor& target);
// The same computed naively at input resolution (test reference and benchmark baseline).
torch::Tensor L1OutsideNaivePerSample(const torch::Tensor& z, const torch::Tensor& target);

// The regulariser `name` (gabril_mse | l1_outside | l1_outside_naive | kl | js | tv) per sample.
torch::Tensor RegularizerPerSample(const std::string& name, const torch::Tensor& z,
                                   const torch::Tensor& target, double beta);

}  // namespace autofocus
