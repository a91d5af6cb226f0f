#include "core/train/models.h"

#include <ATen/autocast_mode.h>

#include <cmath>
#include <sstream>

#include "core/base/error.h"
#include "core/train/train_options.h"

namespace autofocus {

BFloat16Autocast::BFloat16Autocast(bool enabled, const torch::Device& device)
    : enabled_(enabled), cuda_(device.is_cuda()) {
  if (!enabled_) return;
  was_enabled_ = cuda_ ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
  was_dtype_ =
      cuda_ ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
  if (cuda_) {
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
  } else {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
  at::autocast::increment_nesting();
}

BFloat16Autocast::~BFloat16Autocast() {
  if (!enabled_) return;
  // As torch.autocast's __exit__: the cast-weight cache lives for the outermost region only.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  if (cuda_) {
    at::autocast::set_enabled(was_enabled_);
    at::autocast::set_autocast_gpu_dtype(was_dtype_);
  } else {
    at::autocast::set_cpu_enabled(was_enabled_);
    at::autocast::set_autocast_cpu_dtype(was_dtype_);
  }
}

std::string ScriptName(std::string name) {
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

namespace {

// "self.<name>" for a module path + tensor name.
std::string Self(const std::string& prefix, const std::string& tensor) {
  return "self." + ScriptName(prefix.empty() ? tensor : prefix + "." + tensor);
}

std::string Ints(int a) {
  return "[" + std::to_string(a) + ", " + std::to_string(a) + "]";
}

// TorchScript of an eval-mode BatchNorm2d named `bn` applied to expression `e`.
std::string BatchNormScript(const std::string& bn, const std::string& e) {
  return "torch.batch_norm(" + e + ", " + Self(bn, "weight") + ", " + Self(bn, "bias") + ", " +
         Self(bn, "running_mean") + ", " + Self(bn, "running_var") + ", False, 0.0, 1e-05, False)";
}

// TorchScript of a bias-free conv named `conv` on `e`.
std::string ConvScript(const std::string& conv, const std::string& e, int stride, int padding) {
  return "torch.conv2d(" + e + ", " + Self(conv, "weight") + ", None, " + Ints(stride) + ", " +
         Ints(padding) + ")";
}

// TorchScript of a Linear named `fc` on `e`.
std::string LinearScript(const std::string& fc, const std::string& e) {
  return "torch.addmm(" + Self(fc, "bias") + ", " + e + ", " + Self(fc, "weight") + ".t())";
}

}  // namespace

// ---------------------------------------------------------------- GABRIL CNN

std::pair<int, int> GabrilFeatureSize(int height, int width) {
  // Three 4x4/s2/p1 convs halve (floor) each side; the 3x3 valid conv removes 2.
  return {height / 2 / 2 / 2 - 2, width / 2 / 2 / 2 - 2};
}

GabrilCnnImpl::GabrilCnnImpl(int c, int h, int w, int a, int state)
    : channels(c), height(h), width(w), actions(a) {
  using torch::nn::Conv2dOptions;
  state_dim = state;
  conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(c, 32, 4).stride(2).padding(1)));
  conv2 =
      register_module("conv2", torch::nn::Conv2d(Conv2dOptions(32, 64, 4).stride(2).padding(1)));
  conv3 =
      register_module("conv3", torch::nn::Conv2d(Conv2dOptions(64, 128, 4).stride(2).padding(1)));
  conv4 =
      register_module("conv4", torch::nn::Conv2d(Conv2dOptions(128, 128, 3).stride(1).padding(0)));
  res1a =
      register_module("res1a", torch::nn::Conv2d(Conv2dOptions(128, 32, 3).padding(1).bias(false)));
  res1b = register_module("res1b", torch::nn::Conv2d(Conv2dOptions(32, 128, 1).bias(false)));
  res2a =
      register_module("res2a", torch::nn::Conv2d(Conv2dOptions(128, 32, 3).padding(1).bias(false)));
  res2b = register_module("res2b", torch::nn::Conv2d(Conv2dOptions(32, 128, 1).bias(false)));
  conv6 = register_module("conv6", torch::nn::Conv2d(Conv2dOptions(128, 128, 5).padding(2)));
  conv7 = register_module("conv7", torch::nn::Conv2d(Conv2dOptions(128, 64, 5).padding(2)));
  const auto [fh, fw] = GabrilFeatureSize(h, w);
  if (fh < 1 || fw < 1)
    throw Error("", "input_size", "too small for the GABRIL CNN (at least 36x64)");
  fc1 = register_module("fc1", torch::nn::Linear(64 * fh * fw + state, 256));
  fc2 = register_module("fc2", torch::nn::Linear(256, 256));
  fc3 = register_module("fc3", torch::nn::Linear(256, a));
}

torch::Tensor GabrilCnnImpl::Encode(const torch::Tensor& x) {
  auto h = torch::relu(conv1(x));
  h = torch::relu(conv2(h));
  h = torch::relu(conv3(h));
  h = conv4(h);
  // The VQ-VAE residual stack GABRIL uses: x + block(x) twice, one ReLU after the stack.
  h = h + res1b(torch::relu(res1a(torch::relu(h))));
  h = h + res2b(torch::relu(res2a(torch::relu(h))));
  h = torch::relu(h);
  h = torch::relu(conv6(h));
  return conv7(h);  // no activation: z may be negative, the regularisers take |z|
}

torch::Tensor GabrilCnnImpl::Head(const torch::Tensor& z, const torch::Tensor& state) {
  auto h = torch::flatten(z, 1);
  if (state_dim > 0) h = torch::cat({h, state}, 1);
  h = fc1(h);  // no activation after the first Linear (reference)
  h = torch::relu(fc2(h));
  return fc3(h);
}

void GabrilCnnImpl::Initialise() {
  torch::NoGradGuard guard;
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::orthogonal_(c->weight, std::sqrt(2.0));
      if (c->bias.defined()) c->bias.zero_();
    } else if (auto* l = m->as<torch::nn::Linear>()) {
      torch::nn::init::orthogonal_(l->weight, 1.0);
      l->bias.zero_();
    }
  }
}

std::vector<int64_t> GabrilCnnImpl::FeatureShape() const {
  const auto [h, w] = GabrilFeatureSize(height, width);
  return {64, h, w};
}

std::string GabrilCnnImpl::ScriptEncode() const {
  return R"JIT(    h = torch.relu(torch.conv2d(x, self.conv1_weight, self.conv1_bias, [2, 2], [1, 1]))
    h = torch.relu(torch.conv2d(h, self.conv2_weight, self.conv2_bias, [2, 2], [1, 1]))
    h = torch.relu(torch.conv2d(h, self.conv3_weight, self.conv3_bias, [2, 2], [1, 1]))
    h = torch.conv2d(h, self.conv4_weight, self.conv4_bias, [1, 1], [0, 0])
    r = torch.relu(torch.conv2d(torch.relu(h), self.res1a_weight, None, [1, 1], [1, 1]))
    h = h + torch.conv2d(r, self.res1b_weight, None, [1, 1], [0, 0])
    r = torch.relu(torch.conv2d(torch.relu(h), self.res2a_weight, None, [1, 1], [1, 1]))
    h = h + torch.conv2d(r, self.res2b_weight, None, [1, 1], [0, 0])
    h = torch.relu(h)
    h = torch.relu(torch.conv2d(h, self.conv6_weight, self.conv6_bias, [1, 1], [2, 2]))
    return torch.conv2d(h, self.conv7_weight, self.conv7_bias, [1, 1], [2, 2])
)JIT";
}

std::string GabrilCnnImpl::ScriptHead() const {
  std::string s = "    h = torch.flatten(z, 1)\n";
  if (state_dim > 0) s += "    h = torch.cat([h, state], 1)\n";
  s += "    h = " + LinearScript("fc1", "h") + "\n";
  s += "    h = torch.relu(" + LinearScript("fc2", "h") + ")\n";
  s += "    return " + LinearScript("fc3", "h") + "\n";
  return s;
}

// ---------------------------------------------------------------- ResNet

BasicBlockImpl::BasicBlockImpl(int in, int out, int s) : stride(s) {
  using torch::nn::Conv2dOptions;
  conv1 = register_module(
      "conv1", torch::nn::Conv2d(Conv2dOptions(in, out, 3).stride(s).padding(1).bias(false)));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(out));
  conv2 = register_module("conv2",
                          torch::nn::Conv2d(Conv2dOptions(out, out, 3).padding(1).bias(false)));
  bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
  if (s != 1 || in != out) {
    downsample = register_module(
        "downsample",
        torch::nn::Sequential(torch::nn::Conv2d(Conv2dOptions(in, out, 1).stride(s).bias(false)),
                              torch::nn::BatchNorm2d(out)));
  }
}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  auto h = torch::relu(bn1(conv1(x)));
  h = bn2(conv2(h));
  return torch::relu(h + (downsample ? downsample->forward(x) : x));
}

std::string BasicBlockImpl::Script(const std::string& p) const {
  std::string s;
  if (downsample) {
    s += "    r = " +
         BatchNormScript(p + ".downsample.1", ConvScript(p + ".downsample.0", "h", stride, 0)) +
         "\n";
  } else {
    s += "    r = h\n";
  }
  s += "    t = torch.relu(" +
       BatchNormScript(p + ".bn1", ConvScript(p + ".conv1", "h", stride, 1)) + ")\n";
  s += "    t = " + BatchNormScript(p + ".bn2", ConvScript(p + ".conv2", "t", 1, 1)) + "\n";
  s += "    h = torch.relu(t + r)\n";
  return s;
}

namespace {
// Blocks per stage of torchvision's ResNet-18 and -34.
std::vector<int> StageBlocks(int depth) {
  if (depth == 18) return {2, 2, 2, 2};
  if (depth == 34) return {3, 4, 6, 3};
  throw Error("", "model", "ResNet depth must be 18 or 34");
}
// Output side of a 3x3/s2/p1 (or 7x7/s2/p3, or 1x1/s2) stage: ceil(n / 2).
int Half(int n) {
  return (n - 1) / 2 + 1;
}
}  // namespace

ResNetImpl::ResNetImpl(int d, int c, int h, int w, int a, int state)
    : depth(d), channels(c), height(h), width(w), actions(a) {
  using torch::nn::Conv2dOptions;
  state_dim = state;
  const auto blocks = StageBlocks(d);
  conv1 = register_module(
      "conv1", torch::nn::Conv2d(Conv2dOptions(c, 64, 7).stride(2).padding(3).bias(false)));
  bn1 = register_module("bn1", torch::nn::BatchNorm2d(64));
  int in = 64;
  for (int stage = 0; stage < 4; ++stage) {
    const int out = 64 << stage;
    torch::nn::Sequential seq;
    for (int b = 0; b < blocks[static_cast<size_t>(stage)]; ++b) {
      seq->push_back(BasicBlock(in, out, (b == 0 && stage > 0) ? 2 : 1));
      in = out;
    }
    layers.push_back(register_module("layer" + std::to_string(stage + 1), seq));
  }
  fc1 = register_module("fc1", torch::nn::Linear(512 + state, 1024));
  ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({1024})));
  fc2 = register_module("fc2", torch::nn::Linear(1024, 512));
  ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({512})));
  fc3 = register_module("fc3", torch::nn::Linear(512, 256));
  ln3 = register_module("ln3", torch::nn::LayerNorm(torch::nn::LayerNormOptions({256})));
  out = register_module("out", torch::nn::Linear(256, a));
  dropout = register_module("dropout", torch::nn::Dropout(0.1));
}

torch::Tensor ResNetImpl::Encode(const torch::Tensor& x) {
  auto h = torch::relu(bn1(conv1(x)));
  h = torch::max_pool2d(h, 3, 2, 1);
  for (auto& l : layers) h = l->forward(h);
  return h;  // layer4 output, after its ReLU (z >= 0)
}

torch::Tensor ResNetImpl::Head(const torch::Tensor& z, const torch::Tensor& state) {
  auto h = z.mean({2, 3});
  if (state_dim > 0) h = torch::cat({h, state}, 1);
  h = dropout(torch::relu(ln1(fc1(h))));
  h = dropout(torch::relu(ln2(fc2(h))));
  h = dropout(torch::relu(ln3(fc3(h))));
  return out(h);
}

void ResNetImpl::Initialise() {
  torch::NoGradGuard guard;
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(c->weight, 0, torch::kFanOut, torch::kReLU);
    } else if (auto* b = m->as<torch::nn::BatchNorm2d>()) {
      b->weight.fill_(1);
      b->bias.zero_();
    } else if (auto* l = m->as<torch::nn::Linear>()) {
      l->reset_parameters();
    }
  }
}

std::vector<int64_t> ResNetImpl::FeatureShape() const {
  // Stem conv /2, max-pool /2, then layer2..4 each /2 (all ceil for odd sides).
  int h = Half(Half(height)), w = Half(Half(width));
  for (int i = 0; i < 3; ++i) {
    h = Half(h);
    w = Half(w);
  }
  return {512, h, w};
}

std::string ResNetImpl::ScriptEncode() const {
  std::string s =
      "    h = torch.relu(" + BatchNormScript("bn1", ConvScript("conv1", "x", 2, 3)) + ")\n";
  s += "    h = torch.max_pool2d(h, [3, 3], [2, 2], [1, 1], [1, 1], False)\n";
  for (size_t stage = 0; stage < layers.size(); ++stage) {
    for (size_t b = 0; b < layers[stage]->size(); ++b) {
      const auto block = layers[stage]->ptr<BasicBlockImpl>(b);
      s += block->Script("layer" + std::to_string(stage + 1) + "." + std::to_string(b));
    }
  }
  s += "    return h\n";
  return s;
}

std::string ResNetImpl::ScriptHead() const {
  std::string s = "    h = torch.mean(z, [2, 3])\n";
  if (state_dim > 0) s += "    h = torch.cat([h, state], 1)\n";
  const int widths[3] = {1024, 512, 256};
  for (int i = 0; i < 3; ++i) {
    const std::string fc = "fc" + std::to_string(i + 1), ln = "ln" + std::to_string(i + 1);
    // Dropout is the identity in eval mode, so the exported policy has none.
    s += "    h = torch.relu(torch.layer_norm(" + LinearScript(fc, "h") + ", [" +
         std::to_string(widths[i]) + "], " + Self(ln, "weight") + ", " + Self(ln, "bias") +
         ", 1e-05, False))\n";
  }
  s += "    return " + LinearScript("out", "h") + "\n";
  return s;
}

// ---------------------------------------------------------------- factory and export

namespace {

// The architecture `o.model` for `channels` input planes.
std::shared_ptr<PolicyNet> MakeBaseNet(const TrainOptions& o, int channels, int actions,
                                       int state) {
  std::shared_ptr<PolicyNet> net;
  if (o.model == "gabril-cnn") {
    net = std::make_shared<GabrilCnnImpl>(channels, o.input_height, o.input_width, actions, state);
  } else if (o.model == "resnet18" || o.model == "resnet34") {
    net = std::make_shared<ResNetImpl>(o.model == "resnet18" ? 18 : 34, channels, o.input_height,
                                       o.input_width, actions, state);
  } else {
    throw Error("", "model", "unknown model \"" + o.model + "\" (gabril-cnn, resnet18, resnet34)");
  }
  return net;
}

// `script` with every "self.<name>" renamed to "self.<prefix>_<name>": a wrapped model's
// parameters are registered under its submodule name.
std::string Prefixed(const std::string& script, const std::string& prefix) {
  static const std::string kSelf = "self.";
  std::string out;
  size_t i = 0;
  for (size_t j; (j = script.find(kSelf, i)) != std::string::npos; i = j + kSelf.size()) {
    out += script.substr(i, j - i) + kSelf + prefix + "_";
  }
  return out + script.substr(i);
}

}  // namespace

// ---------------------------------------------------------------- map-input baselines

MapMethodNetImpl::MapMethodNetImpl(std::string m, std::shared_ptr<PolicyNet> b,
                                   std::shared_ptr<PolicyNet> mk)
    : method(std::move(m)) {
  base = register_module("base", std::move(b));
  if (method == "agil") {
    if (!mk) throw Error("", "method", "agil needs a second encoder");
    masked = register_module("masked", std::move(mk));
  }
  state_dim = base->state_dim;
}

torch::Tensor MapMethodNetImpl::Encode(const torch::Tensor&) {
  throw Error("", "method", method + " takes the target map as an input (EncodeWithMap)");
}

torch::Tensor MapMethodNetImpl::KeepProbability(const torch::Tensor& map, int64_t h, int64_t w) {
  const auto k = torch::adaptive_avg_pool2d(map.unsqueeze(1), {h, w});
  const auto f = k.flatten(1);
  const auto lo = f.amin(1, true), hi = f.amax(1, true);
  // A constant map (a frame without key objects) keeps every feature with probability 0.3.
  const auto n = (f - lo) / (hi - lo).clamp_min(1e-8);
  return 0.7 * n.view(k.sizes()) + 0.3;
}

torch::Tensor MapMethodNetImpl::EncodeWithMap(const torch::Tensor& x, const torch::Tensor& map) {
  const auto m = map.unsqueeze(1).to(x.scalar_type());
  if (method == "visarl") return base->Encode(torch::cat({x, m}, 1));
  if (method == "agil") return 0.5 * (base->Encode(x) + masked->Encode(x * m));
  auto z = base->Encode(x);  // gmd
  const auto keep = KeepProbability(map.to(torch::kFloat32), z.size(2), z.size(3));
  // Dropout without rescaling while training, its expectation (x keep) at test time.
  if (is_training())
    return z * torch::bernoulli(keep.expand_as(z).contiguous()).to(z.scalar_type());
  return z * keep.to(z.scalar_type());
}

torch::Tensor MapMethodNetImpl::Head(const torch::Tensor& z, const torch::Tensor& state) {
  return base->Head(z, state);
}

void MapMethodNetImpl::Initialise() {
  base->Initialise();
  if (masked) masked->Initialise();
}

std::string MapMethodNetImpl::ScriptMethods() const {
  std::string s = "def base_encode(self, x):\n" + Prefixed(base->ScriptEncode(), "base") + "\n";
  if (masked)
    s += "def masked_encode(self, x):\n" + Prefixed(masked->ScriptEncode(), "masked") + "\n";
  return s;
}

std::string MapMethodNetImpl::ScriptEncode() const {
  if (method == "visarl") return "    return self.base_encode(torch.cat([x, m.unsqueeze(1)], 1))\n";
  if (method == "agil")
    return "    return 0.5 * (self.base_encode(x) + self.masked_encode(x * m.unsqueeze(1)))\n";
  return R"JIT(    z = self.base_encode(x)
    k = torch.adaptive_avg_pool2d(m.unsqueeze(1), [z.size(2), z.size(3)])
    f = torch.flatten(k, 1)
    lo = torch.amin(f, [1], True)
    hi = torch.amax(f, [1], True)
    n = (f - lo) / torch.clamp(hi - lo, min=1e-08)
    return z * (0.7 * n.view(k.size()) + 0.3)
)JIT";
}

std::string MapMethodNetImpl::ScriptHead() const {
  return Prefixed(base->ScriptHead(), "base");
}

std::shared_ptr<PolicyNet> MakePolicyNet(const TrainOptions& o, int actions, int state) {
  std::shared_ptr<PolicyNet> net;
  if (o.method == "bc") {
    net = MakeBaseNet(o, o.Channels(), actions, state);
  } else if (o.method == "visarl") {
    net = std::make_shared<MapMethodNetImpl>(o.method,
                                             MakeBaseNet(o, o.Channels() + 1, actions, state));
  } else if (o.method == "gmd" || o.method == "agil") {
    net = std::make_shared<MapMethodNetImpl>(
        o.method, MakeBaseNet(o, o.Channels(), actions, state),
        o.method == "agil" ? MakeBaseNet(o, o.Channels(), actions, state) : nullptr);
  } else {
    throw Error("", "method", "unknown method \"" + o.method + "\" (bc, visarl, gmd, agil)");
  }
  net->Initialise();
  return net;
}

torch::jit::Module ExportTorchScript(PolicyNet& model, const PolicyNormalisation& norm) {
  torch::jit::Module m("AutofocusPolicy");
  torch::NoGradGuard guard;
  const bool was_training = model.is_training();
  model.eval();
  for (const auto& p : model.named_parameters()) {
    m.register_parameter(ScriptName(p.key()), p.value().detach().clone().cpu(), false);
  }
  for (const auto& b : model.named_buffers()) {
    if (b.key().find("num_batches_tracked") != std::string::npos) continue;  // unused in eval
    m.register_buffer(ScriptName(b.key()), b.value().detach().clone().cpu());
  }
  const bool has_state = model.state_dim > 0;
  auto vec = [](const std::vector<float>& v) { return torch::tensor(v, torch::kFloat32); };
  const bool denorm = !norm.action_mean.empty();
  const bool state_norm = has_state && !norm.state_mean.empty();
  if (denorm) {
    m.register_buffer("action_mean", vec(norm.action_mean));
    m.register_buffer("action_std", vec(norm.action_std));
  }
  if (state_norm) {
    m.register_buffer("state_mean", vec(norm.state_mean));
    m.register_buffer("state_std", vec(norm.state_std));
  }
  // The same ops as the C++ model, written against the copied weights so the file needs
  // nothing of ours to load (plain torch.jit.load / torch::jit::load).
  const bool uses_map = model.UsesMap();
  std::string src = model.ScriptMethods();
  src += std::string("def encode(self, x") + (uses_map ? ", m" : "") + "):\n" +
         model.ScriptEncode() + "\n";
  src += std::string("def head(self, z") + (has_state ? ", state" : "") + "):\n" +
         model.ScriptHead() + "\n";
  src += std::string("def forward(self, x") + (uses_map ? ", m" : "") +
         (has_state ? ", state" : "") + "):\n";
  src += uses_map ? "    z = self.encode(x, m)\n" : "    z = self.encode(x)\n";
  if (has_state) {
    src += state_norm ? "    a = self.head(z, (state - self.state_mean) / self.state_std)\n"
                      : "    a = self.head(z, state)\n";
  } else {
    src += "    a = self.head(z)\n";
  }
  src += denorm ? "    return a * self.action_std + self.action_mean\n" : "    return a\n";
  m.define(src);
  if (was_training) model.train();
  return m;
}

int64_t CountParameters(torch::nn::Module& model) {
  int64_t n = 0;
  for (const auto& p : model.parameters()) n += p.numel();
  return n;
}

}  // namespace autofocus
