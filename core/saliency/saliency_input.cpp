#include "core/saliency/saliency_input.h"

#include <cmath>

#include "core/base/error.h"

namespace autofocus {
namespace {

std::string Index(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

// Reads an array of exactly `n` finite numbers. JSON has no NaN literal, so null, strings and
// overflowing literals (1e999 parses as inf) are what "NaN" looks like in a file.
std::vector<float> ReadCoords(const Json& v, size_t n, const std::string& file,
                              const std::string& field) {
  if (!v.is_array() || v.size() != n) {
    throw Error(file, field, "expected an array of " + std::to_string(n) + " numbers");
  }
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    const Json& c = v[i];
    if (!c.is_number()) throw Error(file, Index(field, i), "expected a number, got " + c.dump());
    const double d = c.get<double>();
    if (!std::isfinite(d) || !std::isfinite(static_cast<float>(d))) {
      throw Error(file, Index(field, i), "coordinate is not a finite number");
    }
    out[i] = static_cast<float>(d);
  }
  return out;
}

int ReadSize(const Json& root, const std::string& key, const std::string& file) {
  const Json& v = RequireField(root, key, file, "");
  if (!v.is_number_integer()) throw Error(file, key, "expected an integer, got " + v.dump());
  const int64_t s = v.get<int64_t>();
  if (s <= 0) throw Error(file, key, "must be a positive number of pixels");
  if (s > 1'000'000) throw Error(file, key, "implausibly large image size");
  return static_cast<int>(s);
}

}  // namespace

void SaliencyInput::Validate(const std::string& file) const {
  if (image_width <= 0) throw Error(file, "width", "must be a positive number of pixels");
  if (image_height <= 0) throw Error(file, "height", "must be a positive number of pixels");
  for (size_t t = 0; t < frames.size(); ++t) {
    for (size_t j = 0; j < frames[t].size(); ++j) {
      const Box& b = frames[t][j];
      const std::string where = Index(Index("frames", t) + ".objects", j);
      if (!std::isfinite(b.x1) || !std::isfinite(b.y1) || !std::isfinite(b.x2) ||
          !std::isfinite(b.y2)) {
        throw Error(file, where, "coordinate is not a finite number");
      }
      if (b.x2 < b.x1) throw Error(file, where, "box has x2 < x1");
      if (b.y2 < b.y1) throw Error(file, where, "box has y2 < y1");
    }
  }
}

SaliencyInput ParseSaliencyInput(const Json& j, const std::string& file) {
  SaliencyInput in;
  if (!j.is_object()) throw Error(file, "(root)", "expected an object");
  in.image_width = ReadSize(j, "width", file);
  in.image_height = ReadSize(j, "height", file);
  const Json& frames = RequireField(j, "frames", file, "");
  if (!frames.is_array()) throw Error(file, "frames", "expected an array");
  if (frames.empty()) throw Error(file, "frames", "the frame list is empty");
  in.frames.resize(frames.size());
  for (size_t t = 0; t < frames.size(); ++t) {
    const std::string fw = Index("frames", t);
    const Json& objects = RequireField(frames[t], "objects", file, fw);
    if (!objects.is_array()) throw Error(file, fw + ".objects", "expected an array");
    auto& out = in.frames[t];
    out.reserve(objects.size());
    for (size_t k = 0; k < objects.size(); ++k) {
      const std::string ow = Index(fw + ".objects", k);
      const Json& o = objects[k];
      if (!o.is_object()) throw Error(file, ow, "expected an object with \"box\" or \"point\"");
      const bool has_box = o.contains("box"), has_point = o.contains("point");
      if (has_box == has_point) {
        throw Error(file, ow, "expected exactly one of \"box\" or \"point\"");
      }
      if (has_box) {
        const auto c = ReadCoords(o["box"], 4, file, ow + ".box");
        if (c[2] < c[0]) throw Error(file, ow + ".box", "x2 < x1 (negative width)");
        if (c[3] < c[1]) throw Error(file, ow + ".box", "y2 < y1 (negative height)");
        out.push_back(Box{c[0], c[1], c[2], c[3]});
      } else {
        const auto c = ReadCoords(o["point"], 2, file, ow + ".point");
        out.push_back(Box{c[0], c[1], c[0], c[1]});
      }
    }
  }
  return in;
}

SaliencyInput LoadSaliencyInput(const std::filesystem::path& path) {
  Json j;
  try {
    j = LoadJsonFile(path);
  } catch (const Json::exception& e) {
    // LoadJsonFile maps syntax errors to Error; a literal like 1e999 (what an infinite
    // coordinate looks like in a file) raises out_of_range instead, which must name the file.
    const std::string what = e.what();
    const auto pos = what.find("] ");
    throw Error(path.string(), "", pos == std::string::npos ? what : what.substr(pos + 2));
  }
  return ParseSaliencyInput(j, path.string());
}

Json SaliencyInputToJson(const SaliencyInput& input) {
  Json frames = Json::array();
  for (const auto& f : input.frames) {
    Json objects = Json::array();
    for (const Box& b : f) {
      if (b.x1 == b.x2 && b.y1 == b.y2) {
        objects.push_back({{"point", {b.x1, b.y1}}});
      } else {
        objects.push_back({{"box", {b.x1, b.y1, b.x2, b.y2}}});
      }
    }
    frames.push_back({{"objects", objects}});
  }
  return Json{{"width", input.image_width}, {"height", input.image_height}, {"frames", frames}};
}

}  // namespace autofocus
