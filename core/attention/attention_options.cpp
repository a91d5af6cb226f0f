#include "core/attention/attention_options.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "core/base/error.h"

namespace autofocus {

const std::vector<std::string>& AttentionMethods() {
  static const std::vector<std::string> methods = {"activation", "gradcam", "input-gradient"};
  return methods;
}

void AttentionOptions::Check() const {
  const auto& m = AttentionMethods();
  if (std::find(m.begin(), m.end(), method) == m.end())
    throw Error("", "method",
                "unknown method \"" + method + "\" (activation, gradcam, input-gradient)");
  if (!(beta > 0) || !std::isfinite(beta)) throw Error("", "beta", "must be > 0");
  if (smoothgrad_samples < 0 || smoothgrad_samples > 1000)
    throw Error("", "smoothgrad", "must be 0..1000 noisy copies");
  if (smoothgrad_samples > 0 && method != "input-gradient")
    throw Error("", "smoothgrad", "only applies to --method input-gradient");
  if (!(smoothgrad_sigma >= 0) || !std::isfinite(smoothgrad_sigma))
    throw Error("", "smoothgrad-sigma", "must be >= 0");
  if (batch < 1 || batch > 4096) throw Error("", "batch", "must be 1..4096");
  if (threads < 0) throw Error("", "threads", "must be >= 0 (0 = library default)");
}

Json AttentionOptions::IdentityJson() const {
  Json j{{"method", method}};
  if (amp) j["amp"] = true;
  if (method == "activation") j["beta"] = beta;
  if (UsesAction()) j["action"] = action;
  if (method == "input-gradient" && smoothgrad_samples > 0) {
    j["smoothgrad_samples"] = smoothgrad_samples;
    j["smoothgrad_sigma"] = smoothgrad_sigma;
    j["seed"] = seed;
  }
  return j;
}

int ActionIndex(const std::vector<std::string>& action_names, const std::string& name) {
  if (action_names.empty()) throw Error("", "action", "the policy has no action names");
  if (name.empty()) return 0;
  for (size_t i = 0; i < action_names.size(); ++i)
    if (action_names[i] == name) return static_cast<int>(i);
  std::string known;
  for (const auto& a : action_names) known += (known.empty() ? "" : ", ") + a;
  throw Error("", "action", "unknown action \"" + name + "\" (the policy has " + known + ")");
}

bool ParseEvidence(const std::string& text, Evidence* out) {
  if (text == "raise")
    *out = Evidence::kRaise;
  else if (text == "lower")
    *out = Evidence::kLower;
  else if (text == "abs")
    *out = Evidence::kAbs;
  else
    return false;
  return true;
}

std::vector<float> SplitEvidence(const float* raw, size_t n, Evidence evidence) {
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    const float v = raw[i];
    out[i] = evidence == Evidence::kRaise   ? std::max(v, 0.0f)
             : evidence == Evidence::kLower ? std::max(-v, 0.0f)
                                            : std::abs(v);
  }
  return out;
}

DisplayRange FrameDisplayRange(const float* map, size_t n) {
  if (n == 0) return {};
  const auto [lo, hi] = std::minmax_element(map, map + n);
  return {*lo, *hi};
}

DisplayRange EpisodeDisplayRange(const float* maps, size_t frames, size_t frame_size,
                                 double percentile) {
  const size_t n = frames * frame_size;
  if (n == 0) return {};
  std::vector<float> v(maps, maps + n);
  // The 98th percentile, not the max: one hot outlier frame would otherwise wash out the rest.
  const size_t k = std::min(n - 1, static_cast<size_t>(std::ceil(percentile * n)) - 1);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  const float hi = v[k];
  const float lo = *std::min_element(maps, maps + n);
  return {lo, hi};
}

void NormaliseForDisplay(const float* map, size_t n, DisplayRange range, float* out) {
  const float span = range.hi - range.lo;
  for (size_t i = 0; i < n; ++i)
    out[i] = span > 0 ? std::clamp((map[i] - range.lo) / span, 0.0f, 1.0f) : 0.0f;
}

void ResizeBilinear(const float* map, int h, int w, int height, int width, float* out) {
  const cv::Mat src(h, w, CV_32FC1, const_cast<float*>(map));
  cv::Mat dst(height, width, CV_32FC1, out);
  if (h == height && w == width) {
    src.copyTo(dst);
    return;
  }
  // INTER_LINEAR uses half-pixel centres with border clamping: align_corners=False.
  cv::resize(src, dst, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
}

}  // namespace autofocus
