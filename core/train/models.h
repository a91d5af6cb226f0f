#pragma once

// The LibTorch models of core/train: the GABRIL CNN, ResNet-18/34 encoders and their
// TorchScript export. Only the torch half of core/train, the autofocus-train program and the
// train tests include this header; everything else uses the torch-free trainer.h.

#include <torch/script.h>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace autofocus {

struct TrainOptions;

// An encoder producing the feature map z the regularisers look at, and a head mapping z (plus
// an optional state vector) to actions. Subclasses also emit the same computation as
// TorchScript source so a policy file needs nothing of ours to load.
class PolicyNet : public torch::nn::Module {
 public:
  // z [B, c, h, w] of an observation batch [B, C, H, W].
  virtual torch::Tensor Encode(const torch::Tensor& x) = 0;
  // Actions [B, A] from z and state [B, S] (an undefined tensor when the model has no state).
  virtual torch::Tensor Head(const torch::Tensor& z, const torch::Tensor& state = {}) = 0;
  // Head(Encode(x), state).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& state = {}) {
    return Head(Encode(x), state);
  }
  // Whether the model takes the target map as an input (the map-input baselines).
  virtual bool UsesMap() const { return false; }
  // z of x given the target map [B, H, W] in [0,1]; models without a map input ignore it.
  virtual torch::Tensor EncodeWithMap(const torch::Tensor& x, const torch::Tensor& map) {
    (void)map;
    return Encode(x);
  }
  // Head(EncodeWithMap(x, map), state).
  torch::Tensor Forward(const torch::Tensor& x, const torch::Tensor& map,
                        const torch::Tensor& state = {}) {
    return Head(EncodeWithMap(x, map), state);
  }
  // Further TorchScript methods (complete `def`s) the encode/head bodies call; usually none.
  virtual std::string ScriptMethods() const { return {}; }
  // The model's own initialisation (uses torch's global RNG).
  virtual void Initialise() = 0;
  // [c, h, w] of z for the construction input size.
  virtual std::vector<int64_t> FeatureShape() const = 0;
  // TorchScript body of `encode(self, x)` (`encode(self, x, m)` when UsesMap()), indented 4,
  // ending in `return z`; parameters and buffers are named by ScriptName().
  virtual std::string ScriptEncode() const = 0;
  // TorchScript body of `head(self, z, state)` ending in `return a`.
  virtual std::string ScriptHead() const = 0;
  // Model name as in TrainOptions::model.
  virtual std::string Name() const = 0;
  // Length of the state vector the head takes (0 = none).
  int state_dim = 0;
};

// While alive (and `enabled`), ops on `device` run under bfloat16 autocast, as Python's
// `torch.autocast(device, torch.bfloat16)`: convolutions and matmuls in bfloat16, reductions and
// losses in float32. Parameters and gradients stay float32, so no loss scaling is needed.
class BFloat16Autocast {
 public:
  BFloat16Autocast(bool enabled, const torch::Device& device);
  ~BFloat16Autocast();
  BFloat16Autocast(const BFloat16Autocast&) = delete;
  BFloat16Autocast& operator=(const BFloat16Autocast&) = delete;

 private:
  bool enabled_, cuda_, was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kFloat;
};

// A parameter or buffer name as the TorchScript policy spells it ("layer1.0.bn1.weight" ->
// "layer1_0_bn1_weight").
std::string ScriptName(std::string name);

// Spatial size of z for an input of height x width (the four strided/valid convs).
std::pair<int, int> GabrilFeatureSize(int height, int width);

// The GABRIL CARLA encoder and head (TRAINING.md), z = the last conv output (no activation).
class GabrilCnnImpl : public PolicyNet {
 public:
  // `channels` input planes (stack x 1 or 3), input height x width, `actions` outputs, state
  // vector length (concatenated to the flattened z before the first Linear).
  GabrilCnnImpl(int channels, int height, int width, int actions, int state = 0);
  torch::Tensor Encode(const torch::Tensor& x) override;
  torch::Tensor Head(const torch::Tensor& z, const torch::Tensor& state = {}) override;
  // Orthogonal init (gain 1 Linear, sqrt(2) conv), zero bias.
  void Initialise() override;
  std::vector<int64_t> FeatureShape() const override;
  std::string ScriptEncode() const override;
  std::string ScriptHead() const override;
  std::string Name() const override { return "gabril-cnn"; }

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr}, conv4{nullptr};  // stem
  torch::nn::Conv2d res1a{nullptr}, res1b{nullptr}, res2a{nullptr}, res2b{nullptr};  // residual
  torch::nn::Conv2d conv6{nullptr}, conv7{nullptr};            // 5x5 convs; conv7 gives z
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};  // head
  int channels, height, width, actions;                        // construction arguments
};
TORCH_MODULE(GabrilCnn);

// torchvision's BasicBlock: conv3x3(s)-BN-ReLU-conv3x3-BN plus the (projected) input, ReLU.
class BasicBlockImpl : public torch::nn::Module {
 public:
  // in -> out channels; stride 2 (or a channel change) adds a 1x1 projection.
  BasicBlockImpl(int in, int out, int stride);
  torch::Tensor forward(const torch::Tensor& x);
  // TorchScript lines for this block reading and writing variable `h`; `prefix` is its name.
  std::string Script(const std::string& prefix) const;

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};   // 3x3 convs, no bias
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};  // after each conv
  torch::nn::Sequential downsample{nullptr};          // 1x1 conv + BN, or null
  int stride;                                         // of conv1 and the projection
};
TORCH_MODULE(BasicBlock);

// ResNet-18/34 (torchvision layout and names, no pretrained weights) with the first conv
// widened to the stacked input, z = layer4's output, average pooling, the state concatenated,
// an MLP [1024, 512, 256] of Linear -> LayerNorm -> ReLU -> Dropout(0.1) and Linear(256, A)
// (TRAINING.md, robot variant).
class ResNetImpl : public PolicyNet {
 public:
  // depth 18 or 34; `channels` input planes; height x width input; actions; state length.
  ResNetImpl(int depth, int channels, int height, int width, int actions, int state = 0);
  torch::Tensor Encode(const torch::Tensor& x) override;
  torch::Tensor Head(const torch::Tensor& z, const torch::Tensor& state = {}) override;
  // torchvision's init: Kaiming-normal (fan_out, ReLU) convs, BN 1/0, Linear/LayerNorm default.
  void Initialise() override;
  std::vector<int64_t> FeatureShape() const override;
  std::string ScriptEncode() const override;
  std::string ScriptHead() const override;
  std::string Name() const override { return "resnet" + std::to_string(depth); }

  torch::nn::Conv2d conv1{nullptr};           // 7x7/s2 stem conv, stack x C -> 64
  torch::nn::BatchNorm2d bn1{nullptr};        // stem BN
  std::vector<torch::nn::Sequential> layers;  // layer1..layer4 of BasicBlocks
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr}, out{nullptr};  // MLP and head
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr}, ln3{nullptr};             // after fc1..3
  torch::nn::Dropout dropout{nullptr};          // 0.1 after each MLP ReLU (train mode only)
  int depth, channels, height, width, actions;  // construction arguments
};
TORCH_MODULE(ResNet);

// The reference code's baselines that take the target map as an input at training and test
// time (TRAINING.md), around the model `base`: "visarl" appends the map as one more input
// channel (base built for it); "gmd" multiplies z by a Bernoulli mask of keep probability
// 0.7 x minmax(map averaged to z's size) + 0.3 while training and by that probability in eval
// mode; "agil" averages z of the frames and z of a second encoder (`masked`, same architecture)
// on the frames multiplied by the map. Head and feature shape are the base's.
class MapMethodNetImpl : public PolicyNet {
 public:
  // `masked` only for agil (nullptr otherwise).
  MapMethodNetImpl(std::string method, std::shared_ptr<PolicyNet> base,
                   std::shared_ptr<PolicyNet> masked = nullptr);
  // Throws: these models need the map (EncodeWithMap).
  torch::Tensor Encode(const torch::Tensor& x) override;
  torch::Tensor EncodeWithMap(const torch::Tensor& x, const torch::Tensor& map) override;
  torch::Tensor Head(const torch::Tensor& z, const torch::Tensor& state = {}) override;
  bool UsesMap() const override { return true; }
  void Initialise() override;
  std::vector<int64_t> FeatureShape() const override { return base->FeatureShape(); }
  std::string ScriptEncode() const override;
  std::string ScriptHead() const override;
  std::string ScriptMethods() const override;
  std::string Name() const override { return base->Name(); }
  // GMD's keep probability [B, 1, h, w] for a map [B, H, W] and z's spatial size.
  static torch::Tensor KeepProbability(const torch::Tensor& map, int64_t h, int64_t w);

  std::string method;                       // visarl | gmd | agil
  std::shared_ptr<PolicyNet> base, masked;  // submodules "base" and (agil) "masked"
};

// The model `o.model` for `actions` outputs and a state of length `state` (Error on an
// unknown name or an input too small for it).
std::shared_ptr<PolicyNet> MakePolicyNet(const TrainOptions& o, int actions, int state);

// De-normalisation the exported policy applies: actions = raw * std + mean, and state is
// normalised as (state - mean) / std before the head. Empty vectors = identity.
struct PolicyNormalisation {
  std::vector<float> action_mean, action_std;  // [A] or empty
  std::vector<float> state_mean, state_std;    // [S] or empty
};

// A TorchScript module with the model's weights and buffers (copied) whose forward(x [B,C,H,W]
// [, m [B,H,W]] [, state [B,S]]) returns de-normalised actions [B, A] (m, the target map, for
// the map-input baselines only); `encode(x[, m])` returns z. Runs in
// Python's torch.jit.load and C++ torch::jit::load. The model is exported in eval mode.
torch::jit::Module ExportTorchScript(PolicyNet& model, const PolicyNormalisation& norm = {});

// Number of trainable parameters.
int64_t CountParameters(torch::nn::Module& model);

}  // namespace autofocus
