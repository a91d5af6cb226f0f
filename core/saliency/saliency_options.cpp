#include "core/saliency/saliency_options.h"

#include <cmath>

#include "core/base/error.h"

namespace autofocus {
namespace {

// Large enough for any camera, small enough that T x H x W stays addressable.
constexpr int kMaxOutputSide = 16384;
constexpr int kMaxWindow = 256;

bool Finite(double v) {
  return std::isfinite(v);
}

std::string Join(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

double ReadNumber(const Json& v, const std::string& file, const std::string& field) {
  if (!v.is_number()) throw Error(file, field, "expected a number, got " + v.dump());
  const double d = v.get<double>();
  if (!Finite(d)) throw Error(file, field, "expected a finite number");
  return d;
}

int ReadInt(const Json& v, const std::string& file, const std::string& field) {
  if (!v.is_number_integer()) throw Error(file, field, "expected an integer, got " + v.dump());
  const int64_t i = v.get<int64_t>();
  if (i < INT32_MIN || i > INT32_MAX) throw Error(file, field, "integer out of range");
  return static_cast<int>(i);
}

std::optional<double> ReadAutoNumber(const Json& v, const std::string& file,
                                     const std::string& field) {
  if (v.is_string() && v.get<std::string>() == "auto") return std::nullopt;
  if (!v.is_number()) throw Error(file, field, "expected a number or \"auto\", got " + v.dump());
  return ReadNumber(v, file, field);
}

std::string ReadName(const Json& v, const std::string& file, const std::string& field) {
  if (!v.is_string()) throw Error(file, field, "expected a string, got " + v.dump());
  return v.get<std::string>();
}

}  // namespace

std::string ToString(SigmaGrowth g) {
  return g == SigmaGrowth::kLinear ? "linear" : "geometric";
}
std::string ToString(SaliencyKernel k) {
  return k == SaliencyKernel::kBox ? "box" : "isotropic";
}
std::string ToString(EmptyPolicy p) {
  return p == EmptyPolicy::kUniform ? "uniform" : "zero";
}

bool ParseSigmaGrowth(const std::string& s, SigmaGrowth* out) {
  if (s == "geometric")
    *out = SigmaGrowth::kGeometric;
  else if (s == "linear")
    *out = SigmaGrowth::kLinear;
  else
    return false;
  return true;
}

bool ParseSaliencyKernel(const std::string& s, SaliencyKernel* out) {
  if (s == "isotropic")
    *out = SaliencyKernel::kIsotropic;
  else if (s == "box")
    *out = SaliencyKernel::kBox;
  else
    return false;
  return true;
}

bool ParseEmptyPolicy(const std::string& s, EmptyPolicy* out) {
  if (s == "zero")
    *out = EmptyPolicy::kZero;
  else if (s == "uniform")
    *out = EmptyPolicy::kUniform;
  else
    return false;
  return true;
}

void SaliencyOptions::Check() const {
  if (sigma0 && !(Finite(*sigma0) && *sigma0 > 0)) {
    throw Error("", "sigma0", "must be a positive number of pixels (or auto)");
  }
  if (!(Finite(beta) && beta > 0 && beta <= 1)) {
    throw Error("", "beta", "must be in (0, 1] so that older frames get wider kernels");
  }
  if (delta && !(Finite(*delta) && *delta >= 0)) {
    throw Error("", "delta", "must be a non-negative number of pixels (or auto)");
  }
  if (!(Finite(decay) && decay > 0 && decay <= 1)) throw Error("", "decay", "must be in (0, 1]");
  if (window < 1 || window > kMaxWindow) {
    throw Error("", "window", "must be in 1.." + std::to_string(kMaxWindow));
  }
  if (!(Finite(box_max_aspect) && box_max_aspect >= 1)) {
    throw Error("", "box_max_aspect", "must be a number >= 1");
  }
  if (output_width < 0 || output_width > kMaxOutputSide) {
    throw Error("", "output_width",
                "must be 0 (image width) or 1.." + std::to_string(kMaxOutputSide));
  }
  if (output_height < 0 || output_height > kMaxOutputSide) {
    throw Error("", "output_height",
                "must be 0 (image height) or 1.." + std::to_string(kMaxOutputSide));
  }
}

double SaliencyOptions::Sigma0(int image_width) const {
  return sigma0 ? *sigma0 : kAutoSigma0Fraction * image_width;
}

double SaliencyOptions::Delta(int image_width) const {
  return delta ? *delta : kAutoDeltaFraction * Sigma0(image_width);
}

double SaliencyOptions::SigmaAt(int k, int image_width) const {
  const double s0 = Sigma0(image_width);
  if (sigma_growth == SigmaGrowth::kLinear) return s0 + k * Delta(image_width);
  return s0 * std::pow(beta, -k);
}

Json SaliencyOptions::ToJson() const {
  return Json{{"sigma0", sigma0 ? Json(*sigma0) : Json("auto")},
              {"sigma_growth", ToString(sigma_growth)},
              {"beta", beta},
              {"delta", delta ? Json(*delta) : Json("auto")},
              {"decay", decay},
              {"window", window},
              {"kernel", ToString(kernel)},
              {"box_max_aspect", box_max_aspect},
              {"empty", ToString(empty)},
              {"output_width", output_width},
              {"output_height", output_height}};
}

SaliencyOptions SaliencyOptions::FromJson(const Json& j, const std::string& file,
                                          const std::string& where) {
  if (!j.is_object()) throw Error(file, where.empty() ? "(root)" : where, "expected an object");
  SaliencyOptions o;
  for (const auto& [key, v] : j.items()) {
    const std::string field = Join(where, key);
    if (key == "sigma0") {
      o.sigma0 = ReadAutoNumber(v, file, field);
    } else if (key == "sigma_growth") {
      if (!ParseSigmaGrowth(ReadName(v, file, field), &o.sigma_growth)) {
        throw Error(file, field, "expected \"geometric\" or \"linear\"");
      }
    } else if (key == "beta") {
      o.beta = ReadNumber(v, file, field);
    } else if (key == "delta") {
      o.delta = ReadAutoNumber(v, file, field);
    } else if (key == "decay") {
      o.decay = ReadNumber(v, file, field);
    } else if (key == "window") {
      o.window = ReadInt(v, file, field);
    } else if (key == "kernel") {
      if (!ParseSaliencyKernel(ReadName(v, file, field), &o.kernel)) {
        throw Error(file, field, "expected \"isotropic\" or \"box\"");
      }
    } else if (key == "box_max_aspect") {
      o.box_max_aspect = ReadNumber(v, file, field);
    } else if (key == "empty") {
      if (!ParseEmptyPolicy(ReadName(v, file, field), &o.empty)) {
        throw Error(file, field, "expected \"zero\" or \"uniform\"");
      }
    } else if (key == "output_width") {
      o.output_width = ReadInt(v, file, field);
    } else if (key == "output_height") {
      o.output_height = ReadInt(v, file, field);
    } else {
      // A typo must not silently fall back to a default.
      throw Error(file, field, "unknown saliency option");
    }
  }
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(file, Join(where, e.where()), e.reason());
  }
  return o;
}

}  // namespace autofocus
