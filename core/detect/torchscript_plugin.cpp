// autofocus_torchscript_plugin.so: the only code of core that includes LibTorch (compile cost
// ~1 GB; loading libtorch costs ~0.4 s, so only processes that build a TorchScript detector pay
// it). Loaded by torchscript_detector.cpp. Links no autofocus library (no duplicated globals)
// and lets no exception escape: every entry point catches and reports a string.
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <memory>

#include "core/detect/torchscript_plugin_api.h"

namespace autofocus::torchscript_plugin {
namespace {

void* Load(const std::string& path, std::string* config_txt, std::string* error) {
  try {
    // Ultralytics exports embed their metadata (class names, stride) as `config.txt`.
    torch::jit::ExtraFilesMap extra{{"config.txt", ""}};
    auto module =
        std::make_unique<torch::jit::script::Module>(torch::jit::load(path, torch::kCPU, extra));
    module->eval();
    *config_txt = extra["config.txt"];
    return module.release();
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "unknown exception";
  }
  return nullptr;
}

bool Forward(void* model, const cv::Mat& rgb, int threads, std::vector<float>* values,
             std::vector<int64_t>* shape, std::string* where, std::string* error) {
  *where = "forward";
  try {
    auto& module = *static_cast<torch::jit::script::Module*>(model);
    torch::Tensor x = torch::from_blob(const_cast<float*>(rgb.ptr<float>()),
                                       {1, rgb.rows, rgb.cols, 3}, torch::kFloat)
                          .permute({0, 3, 1, 2})
                          .contiguous();
    // at::set_num_threads is per calling thread, so it is set on every call.
    if (threads > 0) at::set_num_threads(threads);
    c10::InferenceMode inference_guard;
    torch::jit::IValue result = module.forward({x});
    // Some exports return (predictions, extras): the predictions come first.
    while (result.isTuple() || result.isList()) {
      if (result.isTuple()) {
        auto elements = result.toTuple()->elements();
        if (elements.empty()) break;
        result = elements[0];
      } else {
        auto list = result.toList();
        if (list.empty()) break;
        result = list.get(0);
      }
    }
    if (!result.isTensor()) {
      *where = "output";
      *error = "the model did not return a tensor";
      return false;
    }
    const torch::Tensor out = result.toTensor().to(torch::kCPU, torch::kFloat).contiguous();
    shape->assign(out.sizes().begin(), out.sizes().end());
    const float* p = out.data_ptr<float>();
    values->assign(p, p + out.numel());
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "unknown exception";
  }
  return false;
}

void Release(void* model) {
  try {
    delete static_cast<torch::jit::script::Module*>(model);
  } catch (...) {
    // A destructor that throws would terminate the caller; nothing useful to report.
  }
}

const TorchScriptApi kApi = {kTorchScriptAbiVersion, Load, Forward, Release};

}  // namespace
}  // namespace autofocus::torchscript_plugin

extern "C" __attribute__((visibility("default")))
const autofocus::torchscript_plugin::TorchScriptApi*
autofocus_torchscript_plugin_api() {
  return &autofocus::torchscript_plugin::kApi;
}
