#include "core/detect/detector_factory.h"

#include <map>
#include <mutex>

#include "core/base/error.h"
#include "core/detect/detection_json.h"
#include "core/detect/merging_detector.h"
#include "core/detect/qwen_grounding_detector.h"
#include "core/detect/roboflow_detector.h"
#include "core/detect/torchscript_detector.h"

namespace autofocus {
namespace {

// Re-anchors an option error ("<prefix>.<field>") on the config file and the config's JSON
// path; errors about other files (a missing model) pass through unchanged.
[[noreturn]] void Rethrow(const Error& e, const std::string& prefix,
                          const DetectorConfigContext& context) {
  if (e.file() != context.origin && !e.file().empty()) throw;
  std::string field = e.where();
  if (field == prefix) field.clear();
  if (field.rfind(prefix + ".", 0) == 0) field = field.substr(prefix.size() + 1);
  throw Error(context.origin, field.empty() ? context.where : context.where + "." + field,
              e.reason());
}

std::unique_ptr<Detector> MakeRoboflow(const Json& config, const DetectorConfigContext& context) {
  RoboflowDetectorOptions options;
  try {
    options = RoboflowDetectorOptions::FromJson(config, context.origin);
  } catch (const Error& e) {
    Rethrow(e, "roboflow", context);
  }
  return std::make_unique<RoboflowGroundingDinoDetector>(options);
}

std::unique_ptr<Detector> MakeQwen(const Json& config, const DetectorConfigContext& context) {
  QwenGroundingOptions options;
  try {
    options = QwenGroundingOptions::FromJson(config, context.origin);
  } catch (const Error& e) {
    Rethrow(e, "qwen", context);
  }
  return std::make_unique<QwenGroundingDetector>(options);
}

std::unique_ptr<Detector> MakeTorchScript(const Json& config,
                                          const DetectorConfigContext& context) {
  TorchScriptDetectorOptions options;
  try {
    options = TorchScriptDetectorOptions::FromJson(config, context.origin, context.base_dir);
  } catch (const Error& e) {
    Rethrow(e, "torchscript", context);
  }
  return MakeTorchScriptDetector(options);
}

std::unique_ptr<Detector> MakeMerge(const Json& config, const DetectorConfigContext& context) {
  const std::string& origin = context.origin;
  const std::string& where = context.where;
  RequireKnownKeys(config,
                   {"kind", "detectors", "cross_nms_iou", "cross_nms_class_agnostic", "parallel"},
                   origin, where);
  MergingDetectorOptions options;
  options.cross_nms_iou =
      JsonNumberOr(config, "cross_nms_iou", options.cross_nms_iou, origin, where);
  options.cross_nms_class_agnostic = JsonBoolOr(config, "cross_nms_class_agnostic",
                                                options.cross_nms_class_agnostic, origin, where);
  options.parallel = JsonBoolOr(config, "parallel", options.parallel, origin, where);
  const Json& list = RequireField(config, "detectors", origin, where);
  if (!list.is_array() || list.empty()) {
    throw Error(origin, where + ".detectors", "expected a non-empty list of members");
  }
  std::vector<MergeMember> members;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string member_where = where + ".detectors[" + std::to_string(i) + "]";
    const Json& m = list[i];
    RequireKnownKeys(m, {"name", "vocabulary", "always", "detector"}, origin, member_where);
    MergeMember member;
    member.name = JsonStringOr(m, "name", "", origin, member_where);
    member.vocabulary = JsonStringListOr(m, "vocabulary", {}, origin, member_where);
    member.always = JsonBoolOr(m, "always", false, origin, member_where);
    DetectorConfigContext sub = context;
    sub.where = member_where + ".detector";
    member.detector = MakeDetector(RequireField(m, "detector", origin, member_where), sub);
    members.push_back(std::move(member));
  }
  try {
    return std::make_unique<MergingDetector>(std::move(members), options);
  } catch (const Error& e) {
    // MergingDetector names fields "merge.<field>": put them under this config's path.
    std::string field = e.where();
    if (field.rfind("merge.", 0) == 0) field = field.substr(6);
    throw Error(origin, where + "." + field, e.reason());
  }
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, DetectorFactoryFn> factories;
};

// Built-ins are inserted on first use, so registration never depends on static init order.
Registry& GetRegistry() {
  static Registry* registry = [] {
    auto* r = new Registry;
    r->factories["roboflow"] = MakeRoboflow;
    r->factories["qwen"] = MakeQwen;
    r->factories["torchscript"] = MakeTorchScript;
    r->factories["merge"] = MakeMerge;
    return r;
  }();
  return *registry;
}

}  // namespace

void RegisterDetectorKind(const std::string& kind, DetectorFactoryFn factory, bool replace) {
  if (kind.empty()) throw Error("", "detector kind", "empty name");
  if (!factory) throw Error("", "detector kind '" + kind + "'", "no factory function");
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!replace && r.factories.count(kind)) {
    throw Error("", "detector kind '" + kind + "'", "already registered");
  }
  r.factories[kind] = std::move(factory);
}

bool HasDetectorKind(const std::string& kind) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.factories.count(kind) > 0;
}

std::vector<std::string> DetectorKinds() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& [kind, factory] : r.factories) out.push_back(kind);
  return out;
}

std::unique_ptr<Detector> MakeDetector(const Json& config, const DetectorConfigContext& context) {
  if (!config.is_object()) throw Error(context.origin, context.where, "expected an object");
  const Json& kind_value = RequireField(config, "kind", context.origin, context.where);
  if (!kind_value.is_string()) {
    throw Error(context.origin, context.where + ".kind", "expected a string");
  }
  const std::string kind = kind_value.get<std::string>();
  DetectorFactoryFn factory;
  {
    Registry& r = GetRegistry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(kind);
    if (it != r.factories.end()) factory = it->second;
  }
  if (!factory) {
    std::string known;
    for (const auto& k : DetectorKinds()) known += (known.empty() ? "" : ", ") + k;
    throw Error(context.origin, context.where + ".kind",
                "unknown detector kind '" + kind + "' (known: " + known + ")");
  }
  // Called without the lock: factories recurse (merge) and may be slow (model loading).
  return factory(config, context);
}

}  // namespace autofocus
