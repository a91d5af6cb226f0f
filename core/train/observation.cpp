#include "core/train/observation.h"

#include <opencv2/imgproc.hpp>

#include "core/base/error.h"

namespace autofocus {
namespace {

int IntField(const Json& j, const std::string& key, const std::string& file) {
  if (!j.contains(key) || !j[key].is_number_integer())
    throw Error(file, key, "missing or not an integer");
  return j[key].get<int>();
}

std::string StringField(const Json& j, const std::string& key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

PolicySpec PolicySpec::Load(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(path)) {
    file = path / "policy.json";
  } else if (path.extension() == ".pt") {
    file = path.parent_path() / "policy.json";
  }
  if (!std::filesystem::exists(file))
    throw Error(file.string(), "",
                "no policy.json (a finished run writes policy.pt and policy.json)");
  PolicySpec s;
  s.file = file;
  s.module = path.extension() == ".pt" ? path : file.parent_path() / "policy.pt";
  s.raw = LoadJsonFile(file);
  const Json& j = s.raw;
  const std::string f = file.string();
  if (!j.contains("input_shape") || !j["input_shape"].is_array() || j["input_shape"].size() != 3)
    throw Error(f, "input_shape", "missing or not [C, H, W]");
  for (const auto& v : j["input_shape"])
    if (!v.is_number_integer() || v.get<int>() <= 0)
      throw Error(f, "input_shape", "entries must be positive integers");
  s.channels = j["input_shape"][0].get<int>();
  s.height = j["input_shape"][1].get<int>();
  s.width = j["input_shape"][2].get<int>();
  s.stack = IntField(j, "stack", f);
  if (!j.contains("grayscale") || !j["grayscale"].is_boolean())
    throw Error(f, "grayscale", "missing or not a boolean");
  s.grayscale = j["grayscale"].get<bool>();
  if (s.stack < 1 || s.channels != s.stack * (s.grayscale ? 1 : 3))
    throw Error(f, "input_shape", "C must be stack x (1 if grayscale else 3)");
  if (j.contains("state") && j["state"].is_object() && j["state"].contains("shape") &&
      j["state"]["shape"].is_array() && j["state"]["shape"].size() == 2 &&
      j["state"]["shape"][1].is_number_integer())
    s.state_dim = j["state"]["shape"][1].get<int>();
  s.takes_map = j.contains("map") && j["map"].is_object();
  if (!j.contains("action_names") || !j["action_names"].is_array() || j["action_names"].empty())
    throw Error(f, "action_names", "missing or empty");
  for (const auto& a : j["action_names"]) {
    if (!a.is_string()) throw Error(f, "action_names", "entries must be strings");
    s.action_names.push_back(a.get<std::string>());
  }
  if (j.contains("feature_shape") && j["feature_shape"].is_array())
    for (const auto& v : j["feature_shape"])
      if (v.is_number_integer()) s.feature_shape.push_back(v.get<int64_t>());
  s.model = StringField(j, "model");
  s.method = StringField(j, "method");
  s.regularizer = StringField(j, "regularizer");
  s.target = StringField(j, "target");
  s.run = StringField(j, "run");
  if (j.contains("lambda") && j["lambda"].is_number()) s.lambda = j["lambda"].get<double>();
  return s;
}

void PreprocessFrame(const cv::Mat& bgr, int width, int height, bool grayscale, float* out) {
  cv::Mat f;
  bgr.convertTo(f, CV_32FC3, 1.0 / 255.0);
  cv::Mat r;
  if (f.cols != width || f.rows != height) {
    // INTER_AREA averages pixels when shrinking (no aliasing); bilinear when enlarging.
    const bool shrink = f.cols > width;
    cv::resize(f, r, cv::Size(width, height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
  } else {
    r = f;
  }
  const size_t hw = static_cast<size_t>(width) * static_cast<size_t>(height);
  for (int y = 0; y < r.rows; ++y) {
    const cv::Vec3f* row = r.ptr<cv::Vec3f>(y);
    for (int x = 0; x < r.cols; ++x) {
      const size_t i =
          static_cast<size_t>(y) * static_cast<size_t>(r.cols) + static_cast<size_t>(x);
      const cv::Vec3f& p = row[x];  // B, G, R
      if (grayscale) {
        out[i] = 0.299f * p[2] + 0.587f * p[1] + 0.114f * p[0];  // ITU-R BT.601 luma
      } else {
        out[i] = p[2];
        out[hw + i] = p[1];
        out[2 * hw + i] = p[0];
      }
    }
  }
}

ObservationStacker::ObservationStacker(const PolicySpec& spec) : spec_(spec) {}

void ObservationStacker::Push(const cv::Mat& bgr) {
  const int per_frame = spec_.grayscale ? 1 : 3;
  std::vector<float> f(static_cast<size_t>(per_frame) * static_cast<size_t>(spec_.height) *
                       static_cast<size_t>(spec_.width));
  PreprocessFrame(bgr, spec_.width, spec_.height, spec_.grayscale, f.data());
  // Before the episode has `stack` frames the first one stands in for the missing past.
  if (frames_.empty())
    for (int i = 1; i < spec_.stack; ++i) frames_.push_back(f);
  frames_.push_back(std::move(f));
  while (static_cast<int>(frames_.size()) > spec_.stack) frames_.pop_front();
}

std::vector<float> ObservationStacker::Observation() const {
  if (frames_.empty()) throw Error("", "observation", "no frame pushed yet");
  std::vector<float> obs;
  obs.reserve(spec_.ObservationSize());
  for (const auto& f : frames_) obs.insert(obs.end(), f.begin(), f.end());
  return obs;
}

}  // namespace autofocus
