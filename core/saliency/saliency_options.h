#pragma once

#include <optional>
#include <string>

#include "core/base/json_io.h"

namespace autofocus {

// How the kernel width grows with the age k of a frame in the window (paper Eq. 1).
enum class SigmaGrowth {
  kGeometric,  // sigma_k = sigma0 * beta^-k (reference code)
  kLinear,     // sigma_k = sigma0 + k * delta
};

// The shape of the Gaussian placed at each key object.
enum class SaliencyKernel {
  kIsotropic,  // sigma_x = sigma_y = sigma_k (paper)
  kBox,        // anisotropic, aspect ratio of the box (ours, for long thin objects)
};

// What a frame whose window holds no key object gets.
enum class EmptyPolicy {
  kZero,     // every pixel 0
  kUniform,  // every pixel 1 (no pixel is preferred)
};

// Parameters of the temporal multi-peak saliency map (paper Eq. 1). The project stores these
// (plus the key boxes); maps are rendered on demand. All lengths are in pixels of the source
// image, the same coordinates as the boxes.
struct SaliencyOptions {
  // Fraction of the image width used as sigma0 when `sigma0` is unset (30 px at 320 wide).
  static constexpr double kAutoSigma0Fraction = 0.094;
  // Fraction of sigma0 used as delta when `delta` is unset: sigma_1 then equals the geometric
  // law's sigma0 / 0.8.
  static constexpr double kAutoDeltaFraction = 0.25;

  std::optional<double> sigma0;  // base sigma (px, > 0); unset = "auto" = 0.094 x image width
  SigmaGrowth sigma_growth = SigmaGrowth::kGeometric;  // geometric (default) or linear growth
  double beta = 0.8;            // geometric growth factor, 0 < beta <= 1 (sigma_k = sigma0/beta^k)
  std::optional<double> delta;  // linear growth step (px, >= 0); unset = "auto" = 0.25 x sigma0
  double decay = 0.7;           // temporal weight gamma of frame t-k is decay^k, 0 < decay <= 1
  int window = 4;               // K frames t-K+1..t (1 = non-temporal ablation), 1..256
  SaliencyKernel kernel = SaliencyKernel::kIsotropic;  // isotropic (paper) or box-shaped
  double box_max_aspect = 10;  // box kernel: width/height ratio is clamped to [1/A, A], A >= 1
  EmptyPolicy empty = EmptyPolicy::kZero;  // map of a frame with no object in its window
  int output_width = 0;                    // map width in pixels; 0 = image width
  int output_height = 0;                   // map height in pixels; 0 = image height

  // Throws Error naming the offending option when a value is out of range.
  void Check() const;

  // sigma0 in source pixels for an image `image_width` wide (resolves "auto").
  double Sigma0(int image_width) const;
  // delta in source pixels for an image `image_width` wide (resolves "auto").
  double Delta(int image_width) const;
  // sigma_k (isotropic, source pixels) of a frame k steps old.
  double SigmaAt(int k, int image_width) const;
  // The map width/height for an image of the given size (resolves 0 = image size).
  int OutputWidth(int image_width) const { return output_width > 0 ? output_width : image_width; }
  int OutputHeight(int image_height) const {
    return output_height > 0 ? output_height : image_height;
  }

  // Every option as JSON; "auto" values are written as the string "auto".
  Json ToJson() const;
  // Reads options written by ToJson(); missing fields keep their defaults, unknown fields and
  // wrong types throw Error naming `file` and the field (under `where`). Calls Check().
  static SaliencyOptions FromJson(const Json& j, const std::string& file = "",
                                  const std::string& where = "");
};

// Names used in JSON and on the command line.
std::string ToString(SigmaGrowth g);     // "geometric" | "linear"
std::string ToString(SaliencyKernel k);  // "isotropic" | "box"
std::string ToString(EmptyPolicy p);     // "zero" | "uniform"
// Parsers for those names; return false on an unknown name.
bool ParseSigmaGrowth(const std::string& s, SigmaGrowth* out);
bool ParseSaliencyKernel(const std::string& s, SaliencyKernel* out);
bool ParseEmptyPolicy(const std::string& s, EmptyPolicy* out);

}  // namespace autofocus
