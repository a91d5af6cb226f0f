#include "core/train/policy_runner.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/script.h>

#include <algorithm>

#include "core/base/error.h"

namespace autofocus {

void UseSingleThreadedTorch() {
  at::set_num_threads(1);
  // Debian's LibTorch does its matrix products in OpenBLAS, whose own thread pool
  // at::set_num_threads may not reach; pin it too when the library is there.
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set(1);
  // Inter-op threads can be set once only, before any parallel work; a second call throws.
  static const bool once = [] {
    try {
      at::set_num_interop_threads(1);
    } catch (const std::exception&) {
    }
    return true;
  }();
  (void)once;
}

struct TorchScriptPolicyRunner::Impl {
  torch::jit::Module module;
};

TorchScriptPolicyRunner::TorchScriptPolicyRunner(const std::filesystem::path& path)
    : spec_(PolicySpec::Load(path)), impl_(std::make_unique<Impl>()) {
  if (!std::filesystem::exists(spec_.module))
    throw Error(spec_.module.string(), "", "no policy.pt next to " + spec_.file.string());
  try {
    impl_->module = torch::jit::load(spec_.module.string(), torch::kCPU);
  } catch (const std::exception& e) {
    throw Error(spec_.module.string(), "", std::string("cannot load TorchScript: ") + e.what());
  }
  impl_->module.eval();
}

TorchScriptPolicyRunner::~TorchScriptPolicyRunner() = default;

std::vector<std::vector<float>> TorchScriptPolicyRunner::Forward(const std::vector<float>& obs,
                                                                 int batch,
                                                                 const std::vector<float>& state) {
  if (batch < 1 || obs.size() != static_cast<size_t>(batch) * spec_.ObservationSize())
    throw Error(spec_.module.string(), "forward", "observation size does not match input_shape");
  torch::NoGradGuard guard;
  // from_blob views the caller's buffer; forward does not keep it.
  std::vector<torch::jit::IValue> inputs;
  inputs.emplace_back(torch::from_blob(const_cast<float*>(obs.data()),
                                       {batch, spec_.channels, spec_.height, spec_.width},
                                       torch::kFloat32));
  if (spec_.state_dim > 0) {
    if (state.size() != static_cast<size_t>(batch) * static_cast<size_t>(spec_.state_dim))
      throw Error(spec_.file.string(), "state", "state size does not match state.shape");
    inputs.emplace_back(torch::from_blob(const_cast<float*>(state.data()), {batch, spec_.state_dim},
                                         torch::kFloat32));
  }
  torch::Tensor out;
  try {
    out = impl_->module.forward(inputs).toTensor().to(torch::kFloat32).contiguous();
  } catch (const std::exception& e) {
    throw Error(spec_.module.string(), "forward", e.what());
  }
  const int64_t a = static_cast<int64_t>(spec_.action_names.size());
  if (out.dim() != 2 || out.size(0) != batch || out.size(1) != a)
    throw Error(spec_.module.string(), "forward",
                "output is not [batch, " + std::to_string(a) + "]");
  std::vector<std::vector<float>> rows(static_cast<size_t>(batch));
  const float* p = out.data_ptr<float>();
  for (int b = 0; b < batch; ++b) rows[static_cast<size_t>(b)].assign(p + b * a, p + (b + 1) * a);
  return rows;
}

void SampleWorldActionIndices(const std::vector<std::string>& names, const std::string& file,
                              int* throttle, int* steer, int* brake) {
  auto index = [&](const char* n) {
    const auto it = std::find(names.begin(), names.end(), n);
    if (it == names.end())
      throw Error(
          file, "action_names",
          std::string("has no \"") + n + "\": the sample world needs throttle, steer and brake");
    return static_cast<int>(it - names.begin());
  };
  *throttle = index("throttle");
  *steer = index("steer");
  *brake = index("brake");
}

TorchScriptDriver::TorchScriptDriver(const std::filesystem::path& path)
    : runner_(path), stacker_(runner_.spec()) {
  const PolicySpec& s = runner_.spec();
  SampleWorldActionIndices(s.action_names, s.file.string(), &throttle_, &steer_, &brake_);
  if (s.takes_map)
    throw Error(s.file.string(), "map",
                "method " + s.method +
                    " takes the target map as an input at test time; closed-loop evaluation "
                    "does not provide one (docs/training.md, map-input baselines)");
  if (s.state_dim > 0) {
    const Json& keys = s.raw["state"]["keys"];
    if (!keys.is_array() || keys.size() != 1 || keys[0] != "speed" || s.state_dim != s.stack)
      throw Error(s.file.string(), "state.keys",
                  "closed-loop evaluation can feed only the \"speed\" state of the sample world");
  }
}

void TorchScriptDriver::Reset() {
  stacker_.Reset();
  speeds_.clear();
}

sim::Action TorchScriptDriver::Act(const cv::Mat& frame, const sim::WorldState& state,
                                   const sim::Action&) {
  stacker_.Push(frame);
  const PolicySpec& s = runner_.spec();
  if (s.state_dim > 0) {
    // Stacked like the frames: oldest first, the first value standing in for the missing past
    // (training's StateRow order).
    const float v = static_cast<float>(state.ego_speed);
    if (speeds_.empty()) speeds_.assign(static_cast<size_t>(s.stack), v);
    speeds_.erase(speeds_.begin());
    speeds_.push_back(v);
  }
  const auto out = runner_.Forward(stacker_.Observation(), 1, speeds_)[0];
  sim::Action a;
  a.throttle = out[static_cast<size_t>(throttle_)];
  a.steer = out[static_cast<size_t>(steer_)];
  a.brake = out[static_cast<size_t>(brake_)];
  return a;
}

}  // namespace autofocus
