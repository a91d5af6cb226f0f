// Torch-free parts of the TorchScript detector: options and class-name files. Kept out of
// torchscript_detector.cpp so configs can be validated in builds without LibTorch.
#include <map>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/detect/detection_json.h"
#include "core/detect/torchscript_detector.h"

namespace autofocus {

void TorchScriptDetectorOptions::Check() const {
  const std::string origin = model_path.empty() ? "torchscript detector" : model_path;
  if (model_path.empty()) throw Error("", "torchscript.model_path", "must be set");
  if (input_size < 32 || input_size % 32 != 0) {
    throw Error(
        origin, "input_size",
        "must be a positive multiple of 32 (YOLO stride), got " + std::to_string(input_size));
  }
  if (!(conf_threshold >= 0.f && conf_threshold < 1.f)) {
    throw Error(origin, "conf_threshold", "must be in [0,1)");
  }
  if (!(iou_threshold > 0.f && iou_threshold <= 1.f)) {
    throw Error(origin, "iou_threshold", "must be in (0,1]");
  }
  if (max_detections <= 0) throw Error(origin, "max_detections", "must be positive");
  if (threads < 0) throw Error(origin, "threads", "must be >= 0 (0 = LibTorch default)");
  if (!class_names.empty() && !class_names_file.empty()) {
    throw Error(origin, "class_names", "give class_names or class_names_file, not both");
  }
  for (size_t i = 0; i < class_names.size(); ++i) {
    if (Trim(class_names[i]).empty()) {
      throw Error(origin, "class_names[" + std::to_string(i) + "]", "empty class name");
    }
  }
}

TorchScriptDetectorOptions TorchScriptDetectorOptions::FromJson(
    const Json& j, const std::string& origin, const std::filesystem::path& base_dir) {
  const std::string where = "torchscript";
  RequireKnownKeys(
      j,
      {"kind", "model_path", "model_name", "input_size", "class_names", "class_names_file",
       "conf_threshold", "iou_threshold", "class_agnostic_nms", "max_detections", "threads"},
      origin, where);
  auto resolve = [&](const std::string& p) {
    if (p.empty() || base_dir.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (base_dir / p).string();
  };
  TorchScriptDetectorOptions o;
  o.model_path = resolve(JsonStringOr(j, "model_path", "", origin, where));
  o.model_name = JsonStringOr(j, "model_name", "", origin, where);
  o.input_size = JsonIntOr(j, "input_size", o.input_size, origin, where);
  if (j.contains("class_names") && j["class_names"].is_string()) {
    o.class_names_file = resolve(j["class_names"].get<std::string>());
  } else {
    o.class_names = JsonStringListOr(j, "class_names", {}, origin, where);
  }
  const std::string file = JsonStringOr(j, "class_names_file", "", origin, where);
  if (!file.empty()) {
    if (!o.class_names_file.empty()) {
      throw Error(origin, where + ".class_names_file", "class_names already names a file");
    }
    o.class_names_file = resolve(file);
  }
  o.conf_threshold = JsonNumberOr(j, "conf_threshold", o.conf_threshold, origin, where);
  o.iou_threshold = JsonNumberOr(j, "iou_threshold", o.iou_threshold, origin, where);
  o.class_agnostic_nms = JsonBoolOr(j, "class_agnostic_nms", o.class_agnostic_nms, origin, where);
  o.max_detections = JsonIntOr(j, "max_detections", o.max_detections, origin, where);
  o.threads = JsonIntOr(j, "threads", o.threads, origin, where);
  try {
    o.Check();
  } catch (const Error& e) {
    // Re-anchor on the config file: that is what the user has to edit.
    throw Error(origin, where + "." + e.where(), e.reason());
  }
  return o;
}

std::vector<std::string> ClassNamesFromJson(const Json& j, const std::string& origin) {
  std::vector<std::string> names;
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_string()) {
        throw Error(origin, "[" + std::to_string(i) + "]", "expected a class name");
      }
      names.push_back(j[i].get<std::string>());
    }
  } else if (j.is_object()) {
    // Ultralytics metadata style {"0": "person", "1": "car"}: indices must be 0..n-1.
    std::map<int, std::string> by_index;
    for (auto it = j.begin(); it != j.end(); ++it) {
      int index = -1;
      try {
        size_t used = 0;
        index = std::stoi(it.key(), &used);
        if (used != it.key().size()) index = -1;
      } catch (const std::exception&) {
      }
      if (index < 0) throw Error(origin, it.key(), "expected a class index as key");
      if (!it->is_string()) throw Error(origin, it.key(), "expected a class name");
      by_index[index] = it->get<std::string>();
    }
    for (const auto& [index, name] : by_index) {
      if (index != static_cast<int>(names.size())) {
        throw Error(origin, std::to_string(names.size()), "class index missing");
      }
      names.push_back(name);
    }
  } else {
    throw Error(origin, "", "expected a list of class names or an index -> name map");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    names[i] = ToLower(Trim(names[i]));
    if (names[i].empty()) throw Error(origin, "class " + std::to_string(i), "empty class name");
  }
  if (names.empty()) throw Error(origin, "", "no class names");
  return names;
}

std::vector<std::string> LoadClassNamesFile(const std::filesystem::path& path) {
  const std::string text = ReadFile(path);
  const std::string trimmed = Trim(text);
  if (!trimmed.empty() && (trimmed[0] == '[' || trimmed[0] == '{')) {
    return ClassNamesFromJson(ParseJsonText(text, path.string()), path.string());
  }
  Json names = Json::array();
  for (const std::string& line : Split(text, '\n')) {
    const std::string name = Trim(line);
    if (name.empty() || name[0] == '#') continue;
    names.push_back(name);
  }
  return ClassNamesFromJson(names, path.string());
}

}  // namespace autofocus
