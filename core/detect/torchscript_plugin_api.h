#pragma once

// The binary interface between the torch-free TorchScript detector (torchscript_detector.cpp)
// and autofocus_torchscript_plugin.so (torchscript_plugin.cpp), the only code that calls
// LibTorch. The plugin loads a module and runs forward on one preprocessed image; letterboxing,
// decoding, NMS and records stay in core. Only OpenCV core types, std::string and std::vector
// cross it, errors come back as strings and no exception crosses it. Bump kTorchScriptAbiVersion
// on any change.

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace autofocus::torchscript_plugin {

// Version of the table below; the loader refuses a plugin built for another one.
constexpr int kTorchScriptAbiVersion = 1;
// File name of the plugin and the extern "C" function it exports.
constexpr const char* kTorchScriptPluginFile = "autofocus_torchscript_plugin.so";
constexpr const char* kTorchScriptPluginSymbol = "autofocus_torchscript_plugin_api";

// Function table returned by the plugin.
struct TorchScriptApi {
  int abi_version;  // kTorchScriptAbiVersion of the plugin build
  // torch::jit::load(path) on the CPU, in eval mode; *config_txt receives the embedded
  // `config.txt` extra file ("" when absent). Null with LibTorch's message in *error on failure.
  void* (*load)(const std::string& path, std::string* config_txt, std::string* error);
  // Runs forward on `rgb` (CV_32FC3, HWC, continuous) as a [1,3,H,W] tensor, with
  // at::set_num_threads(threads) first when threads > 0, and unwraps leading tuple/list elements.
  // On success *values/*shape hold the output as a contiguous CPU float tensor. On failure
  // *where is "forward" (LibTorch's message in *error) or "output" (not a tensor). Not
  // thread-safe per model: the caller serialises calls.
  bool (*forward)(void* model, const cv::Mat& rgb, int threads, std::vector<float>* values,
                  std::vector<int64_t>* shape, std::string* where, std::string* error);
  // Frees a model from load (null is ignored).
  void (*release)(void* model);
};

}  // namespace autofocus::torchscript_plugin

// The plugin's only exported symbol.
extern "C" const autofocus::torchscript_plugin::TorchScriptApi* autofocus_torchscript_plugin_api();
