#pragma once

// The LibTorch half of core/train: the GABRIL CNN, the saliency regularisers and the
// TorchScript export. Only torch_train.cpp, the autofocus-train program and the train tests
// include this header; everything else uses the torch-free trainer.h.

#include <torch/script.h>
#include <torch/torch.h>

#include <string>

namespace autofocus {

// Spatial size of z for an input of height x width (the four strided/valid convs).
std::pair<int, int> GabrilFeatureSize(int height, int width);

// The GABRIL CARLA encoder and head (TRAINING.md), z = the last conv output (no activation).
class GabrilCnnImpl : public torch::nn::Module {
 public:
  // `channels` input planes (stack x 1 or 3), input height x width, `actions` outputs.
  GabrilCnnImpl(int channels, int height, int width, int actions);
  // z [B, 64, h, w] of an observation batch [B, C, H, W].
  torch::Tensor Encode(const torch::Tensor& x);
  // Actions [B, A] from z.
  torch::Tensor Head(const torch::Tensor& z);
  // Head(Encode(x)).
  torch::Tensor forward(const torch::Tensor& x) { return Head(Encode(x)); }
  // Orthogonal init (gain 1 Linear, sqrt(2) conv), zero bias; uses torch's global RNG.
  void Initialise();

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr}, conv4{nullptr};  // stem
  torch::nn::Conv2d res1a{nullptr}, res1b{nullptr}, res2a{nullptr}, res2b{nullptr};  // residual
  torch::nn::Conv2d conv6{nullptr}, conv7{nullptr};   // 5x5 convs; conv7 gives z
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};  // head
  int channels, height, width, actions;  // construction arguments
};
TORCH_MODULE(GabrilCnn);

// gabril_mse (reference code): softmax over cells of sum_c|z|/beta, bicubic upsample
// (align_corners false) to height x width, per-sample min-max, MSE against target [B,H,W]
// averaged over pixels; returns the per-sample loss [B].
torch::Tensor GabrilMsePerSample(const torch::Tensor& z, const torch::Tensor& target, double beta);

// Per-sample upsampled attention map of gabril_mse before the MSE ([B, H, W], in [0,1]).
torch::Tensor GabrilAttention(const torch::Tensor& z, int height, int width, double beta);

// The matrix of 1-D bilinear upsampling (align_corners false) from `in` to `out` samples,
// [out, in], exactly what torch's interpolate computes along one axis.
torch::Tensor BilinearMatrix(int in, int out);

// l1_outside (paper Eq. 2), per sample [B]: mean over input pixels of F * (1 - S), F = the
// bilinear upsampling of sum_c |z|. Computed at feature resolution: sum_q |z|(q) (U^T(1-S))(q)
// / (H W), with U^T applied to the target once.
torch::Tensor L1OutsidePerSample(const torch::Tensor& z, const torch::Tensor& target);
// The same computed naively at input resolution (test reference and benchmark baseline).
torch::Tensor L1OutsideNaivePerSample(const torch::Tensor& z, const torch::Tensor& target);

// A TorchScript module with the model's weights (copied) whose forward(x [B,C,H,W]) returns
// [B, A]; `encode` returns z. Runs in Python's torch.jit.load and C++ torch::jit::load.
torch::jit::Module ExportTorchScript(GabrilCnn& model);

// Number of trainable parameters.
int64_t CountParameters(GabrilCnn& model);

}  // namespace autofocus
