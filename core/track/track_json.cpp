#include "core/track/track_json.h"

#include <cmath>
#include <limits>

#include "core/base/error.h"

namespace autofocus {
namespace {

float Coordinate(const Json& box, size_t k, const std::string& file, const std::string& where) {
  const Json& v = box[k];
  if (!v.is_number()) {
    throw Error(file, where + "[" + std::to_string(k) + "]", "expected a number, got " + v.dump());
  }
  // Range-check as double: converting an out-of-range double to float is undefined.
  const double x = v.get<double>();
  if (!std::isfinite(x) || std::fabs(x) > std::numeric_limits<float>::max()) {
    throw Error(file, where + "[" + std::to_string(k) + "]", "not a finite number: " + v.dump());
  }
  return static_cast<float>(x);
}

}  // namespace

std::vector<std::vector<Detection>> ParseDetectionFrames(const Json& doc, const std::string& file) {
  const Json& frames = RequireField(doc, "frames", file, "");
  if (!frames.is_array()) throw Error(file, "frames", "expected an array");
  if (frames.empty()) throw Error(file, "frames", "empty frame list");
  std::vector<std::vector<Detection>> out(frames.size());
  for (size_t t = 0; t < frames.size(); ++t) {
    const std::string fwhere = "frames[" + std::to_string(t) + "]";
    const Json& dets = RequireField(frames[t], "detections", file, fwhere);
    if (!dets.is_array()) throw Error(file, fwhere + ".detections", "expected an array");
    for (size_t i = 0; i < dets.size(); ++i) {
      const std::string where = fwhere + ".detections[" + std::to_string(i) + "]";
      Detection d;
      const Json& box = RequireField(dets[i], "box", file, where);
      if (!box.is_array() || box.size() != 4) {
        throw Error(file, where + ".box", "expected [x1, y1, x2, y2]");
      }
      d.box = {Coordinate(box, 0, file, where + ".box"), Coordinate(box, 1, file, where + ".box"),
               Coordinate(box, 2, file, where + ".box"), Coordinate(box, 3, file, where + ".box")};
      CheckBox(d.box, file, where + ".box");
      const Json& label = RequireField(dets[i], "label", file, where);
      if (!label.is_string()) throw Error(file, where + ".label", "expected a string");
      d.label = label.get<std::string>();
      if (d.label.empty()) throw Error(file, where + ".label", "empty label");
      if (auto it = dets[i].find("score"); it != dets[i].end()) {
        if (!it->is_number()) throw Error(file, where + ".score", "expected a number");
        d.score = it->get<float>();
      }
      if (auto it = dets[i].find("id"); it != dets[i].end()) {
        if (!it->is_number_integer()) throw Error(file, where + ".id", "expected an integer");
        d.id = it->get<int>();
      }
      out[t].push_back(std::move(d));
    }
  }
  return out;
}

Json TracksToJson(const Json& input, const TrackResult& result,
                  const std::vector<Subsequence>& segments) {
  Json out = input;
  Json& frames = out["frames"];
  for (size_t t = 0; t < result.frames.size(); ++t) {
    const Json& in_dets = input["frames"][t]["detections"];
    Json dets = Json::array();
    for (size_t k = 0; k < result.frames[t].size(); ++k) {
      Json d = in_dets[static_cast<size_t>(result.source_index[t][k])];
      d["id"] = result.frames[t][k].id;
      dets.push_back(std::move(d));
    }
    frames[t]["detections"] = std::move(dets);
  }
  Json tracks = Json::array();
  for (const TrackSummary& s : result.tracks) {
    tracks.push_back({{"id", s.id},
                      {"label", s.label},
                      {"first_frame", s.first_frame},
                      {"last_frame", s.last_frame},
                      {"length", s.length}});
  }
  out["tracks"] = std::move(tracks);
  Json segs = Json::array();
  for (const Subsequence& s : segments) segs.push_back({{"start", s.start}, {"end", s.end}, {"ids", s.ids}});
  out["segments"] = std::move(segs);
  return out;
}

}  // namespace autofocus
