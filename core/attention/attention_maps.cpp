#include "core/attention/attention_maps.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <chrono>
#include <cstring>

#include "core/base/error.h"
#include "core/train/models.h"
#include "core/train/run_registry.h"
#include "core/train/train_data.h"

namespace autofocus {

struct AttentionComputer::Impl {
  PolicySpec spec;
  AttentionOptions options;
  int action = 0;           // index of options.action
  double action_scale = 1;  // forward's de-normalisation std of that action (head is normalised)
  torch::jit::Module module;
  int map_h = 0, map_w = 0;  // stored map size
  torch::Tensor state;       // the batch's raw state (policies with a state input), else undefined

  // head()'s state argument: forward() standardises the raw state before calling head.
  torch::Tensor HeadState() const {
    if (!module.hasattr("state_mean")) return state;
    return (state - module.attr("state_mean").toTensor()) / module.attr("state_std").toTensor();
  }

  torch::Tensor Encode(const torch::Tensor& x) {
    return module.get_method("encode")({x}).toTensor();
  }

  // Softmax over the cells of sum_c |z| / beta: the same expression as core/train/losses.cpp's
  // UpsampledSoftmax before its upsampling (the test checks the two agree).
  torch::Tensor Activation(const torch::Tensor& x) {
    torch::NoGradGuard no_grad;
    const auto z = Encode(x);
    const int64_t B = z.size(0), h = z.size(2), w = z.size(3);
    // In float32 even under autocast: a bfloat16 softmax keeps ~3 digits.
    const auto s = z.to(torch::kFloat32).abs().sum(1).reshape({B, h * w}) / options.beta;
    return torch::softmax(s, 1).reshape({B, h, w});
  }

  // Grad-CAM of action `action` at z, signed. Samples are independent in an eval-mode model,
  // so the gradient of the batch sum is every sample's own gradient.
  torch::Tensor GradCam(const torch::Tensor& x) {
    torch::Tensor z;
    {
      torch::NoGradGuard no_grad;
      z = Encode(x);
    }
    z = z.detach().requires_grad_(true);
    const auto a = state.defined() ? module.get_method("head")({z, HeadState()}).toTensor()
                                   : module.get_method("head")({z}).toTensor();
    a.select(1, action).sum().backward();
    const auto g = z.grad();
    torch::NoGradGuard no_grad;
    const auto weights = g.mean({2, 3}, /*keepdim=*/true);
    // head() returns normalised actions; forward multiplies them by std > 0, which scales the
    // gradient without changing its sign.
    return (weights * z).sum(1) * action_scale;
  }

  // max_c |d a_k / d x_c| per input pixel, averaged over SmoothGrad's noisy copies when asked.
  torch::Tensor InputGradient(const torch::Tensor& x, int64_t first_frame) {
    const int samples = std::max(1, options.smoothgrad_samples);
    torch::Tensor sum = torch::zeros({x.size(0), x.size(2), x.size(3)});
    for (int s = 0; s < samples; ++s) {
      torch::Tensor xi = x.clone();
      if (options.smoothgrad_samples > 0) {
        // Noise seeded per (seed, frame, sample): a frame's map does not depend on the batch.
        for (int64_t b = 0; b < x.size(0); ++b) {
          auto gen = at::detail::createCPUGenerator(
              HashMix(options.seed, "smoothgrad", (first_frame + b) * 1000 + s));
          xi.select(0, b).add_(torch::randn({x.size(1), x.size(2), x.size(3)}, gen) *
                               options.smoothgrad_sigma);
        }
      }
      xi.requires_grad_(true);
      const auto a = state.defined() ? module.forward({xi, state}).toTensor()
                                     : module.forward({xi}).toTensor();
      a.select(1, action).sum().backward();
      torch::NoGradGuard no_grad;
      sum += std::get<0>(xi.grad().abs().max(1));
    }
    return sum / static_cast<double>(samples);
  }
};

AttentionComputer::AttentionComputer(const std::filesystem::path& policy,
                                     const AttentionOptions& options)
    : impl_(std::make_unique<Impl>()) {
  options.Check();
  Impl& m = *impl_;
  m.spec = PolicySpec::Load(policy);
  m.options = ResolveAttentionOptions(m.spec, options);
  if (m.spec.takes_map)
    throw Error(m.spec.file.string(), "map",
                "method " + m.spec.method +
                    " takes the target map as an input; attention maps of the map-input "
                    "baselines are not supported");
  if (options.UsesAction()) {
    m.action = ActionIndex(m.spec.action_names, m.options.action);
  }
  if (!std::filesystem::exists(m.spec.module))
    throw Error(m.spec.module.string(), "", "missing (the run has not finished?)");
  try {
    m.module = torch::jit::load(m.spec.module.string(), torch::kCPU);
  } catch (const c10::Error& e) {
    throw Error(m.spec.module.string(), "",
                std::string("not a TorchScript policy: ") + e.what_without_backtrace());
  }
  m.module.eval();
  if (options.threads > 0) torch::set_num_threads(options.threads);
  if (m.module.hasattr("action_std")) {
    const auto sd = m.module.attr("action_std").toTensor();
    if (sd.numel() > m.action) m.action_scale = sd[m.action].item<double>();
  }
  if (options.method == "input-gradient") {
    m.map_h = m.spec.height;
    m.map_w = m.spec.width;
  } else {
    // One probe forward gives z's size (policy.json's feature_shape may be absent).
    torch::NoGradGuard no_grad;
    const auto z = m.Encode(torch::zeros({1, m.spec.channels, m.spec.height, m.spec.width}));
    m.map_h = static_cast<int>(z.size(2));
    m.map_w = static_cast<int>(z.size(3));
  }
}

AttentionComputer::~AttentionComputer() = default;

const PolicySpec& AttentionComputer::spec() const {
  return impl_->spec;
}
const AttentionOptions& AttentionComputer::options() const {
  return impl_->options;
}
std::pair<int, int> AttentionComputer::MapSize() const {
  return {impl_->map_h, impl_->map_w};
}

void AttentionComputer::ComputeBatch(const float* obs, int n, float* out, int64_t first_frame,
                                     const float* state) {
  Impl& m = *impl_;
  m.state = torch::Tensor();
  if (m.spec.state_dim > 0 && m.options.UsesAction()) {
    if (!state)
      throw Error(m.spec.file.string(), "state",
                  "the policy takes a state input: " + m.options.method + " needs the state");
    m.state =
        torch::from_blob(const_cast<float*>(state), {n, m.spec.state_dim}, torch::kFloat32).clone();
  }
  if (m.options.threads > 0) torch::set_num_threads(m.options.threads);
  const auto x = torch::from_blob(
      const_cast<float*>(obs), {n, m.spec.channels, m.spec.height, m.spec.width}, torch::kFloat32);
  torch::Tensor maps;
  try {
    // Training's autocast (convolutions in bfloat16, reductions and softmax in float32).
    BFloat16Autocast autocast(m.options.amp, torch::kCPU);
    if (m.options.method == "activation")
      maps = m.Activation(x);
    else if (m.options.method == "gradcam")
      maps = m.GradCam(x);
    else
      maps = m.InputGradient(x, first_frame);
  } catch (const c10::Error& e) {
    throw Error(m.spec.module.string(), m.options.method, e.what_without_backtrace());
  }
  maps = maps.to(torch::kFloat32).contiguous();
  if (maps.size(1) != m.map_h || maps.size(2) != m.map_w)
    throw Error(m.spec.module.string(), m.options.method, "map size changed between batches");
  std::memcpy(out, maps.data_ptr<float>(), static_cast<size_t>(maps.numel()) * sizeof(float));
}

AttentionMaps AttentionComputer::ComputeEpisode(const ProjectStore& store,
                                                const std::string& episode,
                                                const ProgressCallback& progress,
                                                const StopCheck& stop) {
  Impl& m = *impl_;
  const Episode ep = store.LoadEpisode(episode);
  auto source = store.OpenFrames(ep);
  ObservationStacker stacker(m.spec);
  AttentionMaps out;
  out.frames = ep.num_frames;
  out.height = m.map_h;
  out.width = m.map_w;
  out.data.assign(static_cast<size_t>(out.frames) * out.frame_size(), 0.f);
  const size_t obs_size = m.spec.ObservationSize();
  const int batch = m.options.batch;
  std::vector<float> obs(static_cast<size_t>(batch) * obs_size);
  // The state of every stacked frame, oldest first, the first frame standing in before the
  // start: training's order (core/train/train_data.cpp), from policy.json's state.keys.
  const bool with_state = m.spec.state_dim > 0 && m.options.UsesAction();
  std::vector<std::string> keys;
  if (with_state) {
    for (const auto& k : m.spec.raw.at("state").value("keys", Json::array()))
      keys.push_back(k.get<std::string>());
    for (const auto& k : keys)
      if (!ep.state.count(k))
        throw Error(store.EpisodeDir(episode).string(), "state." + k,
                    "the policy takes this state key; the episode has none");
  }
  auto state_row = [&](int64_t t, std::vector<float>* row) {
    for (int k = 0; k < m.spec.stack; ++k) {
      const int64_t tt = std::max<int64_t>(0, t - (m.spec.stack - 1 - k));
      for (const auto& key : keys) {
        const auto& v = ep.state.at(key)[static_cast<size_t>(tt)];
        row->insert(row->end(), v.begin(), v.end());
      }
    }
  };
  std::vector<float> states;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < out.frames; first += batch) {
    ThrowIfStopped(stop);
    const int n = static_cast<int>(std::min<int64_t>(batch, out.frames - first));
    states.clear();
    for (int i = 0; i < n; ++i) {
      stacker.Push(source->Read(static_cast<int>(first + i)));
      const std::vector<float> o = stacker.Observation();
      std::copy(o.begin(), o.end(),
                obs.begin() + static_cast<long>(static_cast<size_t>(i) * obs_size));
      if (with_state) state_row(first + i, &states);
    }
    if (with_state && states.size() != static_cast<size_t>(n) * m.spec.state_dim)
      throw Error(m.spec.file.string(), "state.shape",
                  "the episode's state has " + std::to_string(states.size() / n) +
                      " values per frame, the policy takes " + std::to_string(m.spec.state_dim));
    ComputeBatch(obs.data(), n, out.data.data() + static_cast<size_t>(first) * out.frame_size(),
                 first, with_state ? states.data() : nullptr);
    if (progress) {
      const int64_t done = first + n;
      const double el =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress({"attention", episode, done, out.frames,
                done > 0 ? el / static_cast<double>(done) * static_cast<double>(out.frames - done)
                         : -1});
    }
  }
  out.provenance = Json{{"policy", m.spec.module.string()},
                        {"run", m.spec.run},
                        {"model", m.spec.model},
                        {"regularizer", m.spec.regularizer},
                        {"episode", episode},
                        {"method", m.options.method},
                        {"action", m.options.action},
                        {"options", m.options.IdentityJson()},
                        {"resolution", m.options.method == "input-gradient" ? "input" : "feature"},
                        {"input_shape", {m.spec.channels, m.spec.height, m.spec.width}}};
  return out;
}

AttentionMaps RunAttention(const ProjectStore& store, const std::string& run,
                           const std::string& episode, const AttentionOptions& options,
                           const ProgressCallback& progress, const StopCheck& stop,
                           bool* from_cache) {
  // The cache is checked before LibTorch loads the module: a hit costs two hashes and a read.
  const RunCacheEntry entry = RunAttentionCacheEntry(store, run, episode, options);
  if (auto cached = ReadAttentionCache(entry.npy, entry.identity)) {
    if (from_cache) *from_cache = true;
    return *cached;
  }
  AttentionComputer computer(RunDirectory(store.root(), run), options);
  AttentionMaps maps = computer.ComputeEpisode(store, episode, progress, stop);
  WriteAttentionCache(entry.npy, maps, entry.identity);
  if (from_cache) *from_cache = false;
  return maps;
}

}  // namespace autofocus
