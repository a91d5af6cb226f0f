// The TorchScript detector without LibTorch: preprocessing, decoding, NMS and records live
// here; loading the module and running forward go through autofocus_torchscript_plugin.so
// (torchscript_plugin.cpp), loaded on the first MakeTorchScriptDetector so that programs that
// never build one do not pay LibTorch's start-up (~0.4 s).
#include "core/detect/torchscript_detector.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <unordered_map>

#include "core/base/error.h"
#include "core/base/plugin_loader.h"
#include "core/detect/box_ops.h"
#include "core/detect/detection_json.h"
#include "core/detect/torchscript_plugin_api.h"

namespace autofocus {
namespace {

using torchscript_plugin::TorchScriptApi;

// The plugin's table, loaded once; a failed load is not cached (the next call retries and
// reports the same Error naming the plugin file and the directories searched).
const TorchScriptApi& Api() {
  static std::atomic<const TorchScriptApi*> api{nullptr};
  if (const TorchScriptApi* loaded = api.load(std::memory_order_acquire)) return *loaded;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (const TorchScriptApi* loaded = api.load(std::memory_order_acquire)) return *loaded;
  using Entry = const TorchScriptApi* (*)();
  auto entry = reinterpret_cast<Entry>(LoadPluginSymbol(
      torchscript_plugin::kTorchScriptPluginFile, torchscript_plugin::kTorchScriptPluginSymbol));
  const TorchScriptApi* table = entry();
  if (!table || table->abi_version != torchscript_plugin::kTorchScriptAbiVersion) {
    throw Error(torchscript_plugin::kTorchScriptPluginFile, "",
                "plugin built for another version of autofocus (interface " +
                    std::to_string(table ? table->abi_version : -1) + ", expected " +
                    std::to_string(torchscript_plugin::kTorchScriptAbiVersion) + ")");
  }
  api.store(table, std::memory_order_release);
  return *table;
}

// Frees a model handle through the plugin that created it (loaded by then).
struct ModelDeleter {
  void operator()(void* model) const { Api().release(model); }
};

class TorchScriptDetector : public Detector {
 public:
  explicit TorchScriptDetector(TorchScriptDetectorOptions options) : options_(std::move(options)) {
    options_.Check();
    const std::string& path = options_.model_path;
    if (!std::filesystem::exists(path)) throw Error(path, "torchscript", "model file not found");
    api_ = &Api();
    // Ultralytics exports embed their metadata (class names, stride) as `config.txt`.
    std::string meta, error;
    model_.reset(api_->load(path, &meta, &error));
    if (!model_) {
      throw Error(path, "torchscript",
                  std::string("cannot load the TorchScript model: ") + FirstLine(error));
    }
    if (!options_.class_names.empty()) {
      class_names_ = ClassNamesFromJson(Json(options_.class_names), path + " (class_names)");
    } else if (!options_.class_names_file.empty()) {
      class_names_ = LoadClassNamesFile(options_.class_names_file);
    } else {
      Json j;
      if (!meta.empty()) j = Json::parse(meta, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object() || !j.contains("names")) {
        throw Error(path, "class_names",
                    "no class names: set class_names or class_names_file (the model has no "
                    "Ultralytics metadata)");
      }
      class_names_ = ClassNamesFromJson(j["names"], path + " (config.txt names)");
    }
    for (size_t i = 0; i < class_names_.size(); ++i) index_of_[class_names_[i]].push_back(i);
    model_name_ = options_.model_name.empty() ? std::filesystem::path(path).filename().string()
                                              : options_.model_name;
  }

  std::string Kind() const override { return "torchscript"; }
  std::string Model() const override { return model_name_; }

  std::vector<Detection> Detect(const DetectRequest& request, CallRecord* record) override {
    const long long start = SteadyNowNs();
    const std::string& path = options_.model_path;
    if (request.image.empty()) throw Error(path, "torchscript", "empty image");
    if (request.image.type() != CV_8UC3) {
      throw Error(path, "torchscript", "expected a BGR 8-bit image");
    }
    // Vocabulary filter: only classes named in the request take part (empty = all classes).
    const std::vector<std::string> vocabulary = NormalizeVocabulary(request.vocabulary);
    std::vector<char> allowed(class_names_.size(), vocabulary.empty() ? 1 : 0);
    for (const auto& name : vocabulary) {
      auto it = index_of_.find(name);
      if (it == index_of_.end()) continue;
      for (size_t i : it->second) allowed[i] = 1;
    }
    const bool any_allowed = std::find(allowed.begin(), allowed.end(), 1) != allowed.end();

    std::vector<Detection> detections;
    if (any_allowed) {
      const auto geometry = LetterboxGeometry::Compute(request.image.cols, request.image.rows,
                                                       options_.input_size, options_.input_size);
      cv::Mat input = ApplyLetterbox(request.image, geometry, 114);
      cv::cvtColor(input, input, cv::COLOR_BGR2RGB);
      input.convertTo(input, CV_32FC3, 1.0 / 255.0);
      const Output output = Forward(input);
      detections = Decode(output, geometry, allowed);
      detections = Nms(detections, options_.iou_threshold, options_.class_agnostic_nms,
                       options_.max_detections);
    }
    if (record) {
      record->backend = Kind();
      record->model = model_name_;
      record->request = {{"episode", request.episode},
                         {"frame_index", request.frame_index},
                         {"image", ImageContentHash(request.image)},
                         {"vocabulary", vocabulary},
                         {"input_size", options_.input_size},
                         {"conf_threshold", options_.conf_threshold},
                         {"iou_threshold", options_.iou_threshold},
                         {"class_agnostic_nms", options_.class_agnostic_nms}};
      record->cache_key = DetectorCacheKey(*record);
      record->parsed = DetectionsToJson(detections);
      record->raw_answer = record->parsed.dump();
      record->latency_ms = ElapsedMs(start);
    }
    return detections;
  }

 private:
  static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

  // The model's output: a contiguous float tensor copied out of the plugin.
  struct Output {
    std::vector<float> values;  // row-major
    std::vector<int64_t> shape;
  };

  // Runs the module on one RGB float image (HWC, [0,1]) through the plugin.
  Output Forward(const cv::Mat& rgb) {
    Output out;
    std::string where, error;
    bool ok = false;
    {
      // A scripted module is not documented as safe for concurrent forward calls: serialise.
      std::lock_guard<std::mutex> lock(forward_mutex_);
      ok = api_->forward(model_.get(), rgb, options_.threads, &out.values, &out.shape, &where,
                         &error);
    }
    if (!ok) {
      throw Error(options_.model_path, where, where == "forward" ? FirstLine(error) : error);
    }
    return out;
  }

  // [1, 4+nc, N] -> detections in source pixels with the best allowed class per anchor.
  std::vector<Detection> Decode(const Output& out, const LetterboxGeometry& geometry,
                                const std::vector<char>& allowed) const {
    const int64_t nc = static_cast<int64_t>(class_names_.size());
    const std::vector<int64_t>& dims = out.shape;
    if (dims.size() != 3 || dims[0] != 1 || dims[1] != 4 + nc) {
      std::string shape;
      for (int64_t d : dims) shape += (shape.empty() ? "" : ",") + std::to_string(d);
      throw Error(options_.model_path, "output",
                  "expected shape [1, " + std::to_string(4 + nc) + ", N] (YOLOv8 layout with " +
                      std::to_string(nc) + " classes), got [" + shape + "]");
    }
    const int64_t n = dims[2];
    const float* p = out.values.data();
    std::vector<Detection> dets;
    for (int64_t a = 0; a < n; ++a) {
      int best = -1;
      float best_score = 0.f;
      for (int64_t c = 0; c < nc; ++c) {
        if (!allowed[c]) continue;
        const float s = p[(4 + c) * n + a];
        if (best < 0 || s > best_score) {
          best = static_cast<int>(c);
          best_score = s;
        }
      }
      if (best < 0 || !(best_score > options_.conf_threshold)) continue;
      const float cx = p[0 * n + a], cy = p[1 * n + a], w = p[2 * n + a], h = p[3 * n + a];
      Box input_box{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
      Detection d;
      d.box = ClampBox(FixInvertedBox(geometry.ToSource(input_box)), geometry.source_width,
                       geometry.source_height);
      if (d.box.Area() <= 0.f) continue;  // entirely inside the padding
      d.label = class_names_[best];
      d.score = best_score;
      dets.push_back(std::move(d));
    }
    return dets;
  }

  TorchScriptDetectorOptions options_;
  const TorchScriptApi* api_ = nullptr;  // the plugin's table
  // The plugin's torch::jit::Module; a member (not a raw pointer freed in the destructor) so it
  // is also released when the constructor throws after loading, e.g. on bad class names.
  std::unique_ptr<void, ModelDeleter> model_;
  std::mutex forward_mutex_;
  std::vector<std::string> class_names_;
  std::unordered_map<std::string, std::vector<size_t>> index_of_;
  std::string model_name_;
};

}  // namespace

bool TorchScriptDetectorAvailable() {
  try {
    Api();
    return true;
  } catch (const Error&) {
    return false;
  }
}

std::unique_ptr<Detector> MakeTorchScriptDetector(const TorchScriptDetectorOptions& options) {
  return std::make_unique<TorchScriptDetector>(options);
}

}  // namespace autofocus
