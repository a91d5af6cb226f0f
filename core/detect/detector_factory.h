#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/detect/detector.h"

namespace autofocus {

// Where a detector config came from, for errors and relative paths.
struct DetectorConfigContext {
  std::string origin = "detector config";  // file (or description) named in errors
  std::filesystem::path base_dir;          // relative model paths resolve against this ("" = cwd)
  std::string where = "detector";          // JSON path of the config inside `origin`
};

// Builds a detector from its JSON config (the object that has "kind"). Throws Error naming
// context.origin and the field on a bad config.
using DetectorFactoryFn = std::function<std::unique_ptr<Detector>(
    const Json& config, const DetectorConfigContext& context)>;

// Registers a detector kind, e.g. core/sim registers "oracle" so core/detect does not depend on
// core/sim. Call it before MakeDetector (e.g. from the module's explicit init function: a
// static registrar object in a static library is dropped by the linker when nothing references
// its file). Throws Error when the kind exists, unless `replace`. Thread-safe.
void RegisterDetectorKind(const std::string& kind, DetectorFactoryFn factory, bool replace = false);

// True when `kind` can be built.
bool HasDetectorKind(const std::string& kind);

// The registered kinds, sorted ("merge", "qwen", "roboflow", "torchscript" are built in).
std::vector<std::string> DetectorKinds();

// Builds the detector `config["kind"]` describes (see docs/detectors.md for every kind).
// Errors name context.origin and the field; an unknown kind lists the known ones.
std::unique_ptr<Detector> MakeDetector(const Json& config,
                                       const DetectorConfigContext& context = {});

}  // namespace autofocus
