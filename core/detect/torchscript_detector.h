#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/detect/detector.h"

// Torch-free interface of the TorchScript (YOLOv8/YOLO11 layout) detector. LibTorch is only
// in the plugin autofocus_torchscript_plugin.so (torchscript_plugin.cpp), loaded with dlopen
// when the first detector is made.

namespace autofocus {

// Options of the TorchScript closed-set detector.
struct TorchScriptDetectorOptions {
  std::string model_path;                // TorchScript file (Ultralytics `format=torchscript`)
  std::string model_name;                // name for provenance; default: the model file name
  int input_size = 640;                  // square network input in pixels
  std::vector<std::string> class_names;  // class index -> name; lower-cased when loaded
  std::string class_names_file;          // alternative: one name per line, or a JSON list/map
  float conf_threshold = 0.25f;          // keep boxes whose best class score is > this
  float iou_threshold = 0.7f;            // NMS suppresses IoU > this
  bool class_agnostic_nms = false;       // NMS across classes instead of per class
  int max_detections = 300;              // at most this many boxes per image after NMS
  int threads = 0;                       // intra-op threads per call; 0 = LibTorch default

  // Throws Error naming the field when an option is out of range.
  void Check() const;
  // Reads the options from a JSON object (keys as the field names above; `class_names` may be
  // a list or a file name); `origin` names the config in errors. Relative paths are resolved
  // against `base_dir` when it is not empty.
  static TorchScriptDetectorOptions FromJson(const Json& j, const std::string& origin,
                                             const std::filesystem::path& base_dir = {});
};

// Class names from a file: a JSON list ["a","b"], a JSON map {"0":"a","1":"b"}, or plain text
// with one name per line (blank lines and lines starting with '#' skipped). Names are
// lower-cased and trimmed. Throws Error naming the file.
std::vector<std::string> LoadClassNamesFile(const std::filesystem::path& path);

// Class names from JSON: a list ["a","b"] or a map {"0":"a","1":"b"} (Ultralytics metadata),
// lower-cased and trimmed; Error naming `origin` on bad input.
std::vector<std::string> ClassNamesFromJson(const Json& j, const std::string& origin);

// True when this build has the LibTorch backend and its plugin loads (this maps LibTorch into
// the process, ~0.4 s the first time).
bool TorchScriptDetectorAvailable();

// Loads the model (Error naming the model file when it cannot be loaded, naming the plugin
// file and the directories searched when the plugin is missing, or saying this build has no
// LibTorch). Class names come from the options, else from the Ultralytics metadata
// embedded in the file (`config.txt` with "names").
std::unique_ptr<Detector> MakeTorchScriptDetector(const TorchScriptDetectorOptions& options);

}  // namespace autofocus
