// Built instead of torchscript_detector.cpp when LibTorch is off, so configs that name a
// TorchScript detector fail with an actionable message rather than a link error.
#include "core/base/error.h"
#include "core/detect/torchscript_detector.h"

namespace autofocus {

bool TorchScriptDetectorAvailable() {
  return false;
}

std::unique_ptr<Detector> MakeTorchScriptDetector(const TorchScriptDetectorOptions& options) {
  throw Error(options.model_path, "torchscript",
              "this build has no LibTorch; rebuild with -DAUTOFOCUS_WITH_TORCH=ON");
}

}  // namespace autofocus
