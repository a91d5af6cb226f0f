#include "core/dataset/dataset.h"

#include <cmath>

#include "core/base/error.h"
#include "core/base/json_int.h"

namespace autofocus {
namespace {

std::vector<std::vector<float>> MatrixFromJson(const Json& j, const std::string& file,
                                               const std::string& where) {
  if (!j.is_array()) throw Error(file, where, "expected an array of rows");
  std::vector<std::vector<float>> out;
  out.reserve(j.size());
  for (size_t r = 0; r < j.size(); ++r) {
    const Json& row = j[r];
    if (!row.is_array()) throw Error(file, where + "[" + std::to_string(r) + "]", "expected an array");
    std::vector<float> v;
    v.reserve(row.size());
    for (const Json& x : row) {
      if (!x.is_number()) {
        throw Error(file, where + "[" + std::to_string(r) + "]", "expected numbers");
      }
      v.push_back(x.get<float>());
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::vector<std::string> ActionSpec::Names() const {
  std::vector<std::string> names;
  for (const auto& d : dims) names.push_back(d.name);
  return names;
}

Json ActionSpec::ToJson() const {
  Json dj = Json::array();
  for (const auto& d : dims) {
    Json e = {{"name", d.name}};
    if (d.has_range) e["range"] = {d.min, d.max};
    if (!d.labels.empty()) e["labels"] = d.labels;
    dj.push_back(e);
  }
  return {{"kind", kind == Kind::kContinuous ? "continuous" : "discrete"}, {"dims", dj}};
}

ActionSpec ActionSpec::FromJson(const Json& j, const std::string& file) {
  ActionSpec s;
  const std::string kind = RequireField(j, "kind", file, "action_spec").get<std::string>();
  if (kind == "continuous") {
    s.kind = Kind::kContinuous;
  } else if (kind == "discrete") {
    s.kind = Kind::kDiscrete;
  } else {
    throw Error(file, "action_spec.kind", "must be \"continuous\" or \"discrete\", got \"" + kind + "\"");
  }
  for (const Json& e : RequireField(j, "dims", file, "action_spec")) {
    ActionDim d;
    d.name = RequireField(e, "name", file, "action_spec.dims").get<std::string>();
    if (e.contains("range")) {
      d.has_range = true;
      d.min = e["range"].at(0).get<double>();
      d.max = e["range"].at(1).get<double>();
    }
    if (e.contains("labels")) d.labels = e["labels"].get<std::vector<std::string>>();
    s.dims.push_back(std::move(d));
  }
  return s;
}

Json FrameSourceRef::ToJson() const {
  switch (kind) {
    case Kind::kImages:
      return {{"kind", "images"}, {"files", files}};
    case Kind::kVideo:
      return {{"kind", "video"}, {"file", file}};
    case Kind::kHdf5:
      return {{"kind", "hdf5"}, {"file", file}, {"dataset", dataset}};
  }
  return {};
}

FrameSourceRef FrameSourceRef::FromJson(const Json& j, const std::string& file) {
  FrameSourceRef r;
  const std::string kind = RequireField(j, "kind", file, "source").get<std::string>();
  if (kind == "images") {
    r.kind = Kind::kImages;
    r.files = RequireField(j, "files", file, "source").get<std::vector<std::string>>();
  } else if (kind == "video") {
    r.kind = Kind::kVideo;
    r.file = RequireField(j, "file", file, "source").get<std::string>();
  } else if (kind == "hdf5") {
    r.kind = Kind::kHdf5;
    r.file = RequireField(j, "file", file, "source").get<std::string>();
    r.dataset = RequireField(j, "dataset", file, "source").get<std::string>();
  } else {
    throw Error(file, "source.kind", "unknown frame source kind \"" + kind + "\"");
  }
  return r;
}

Json Episode::ToJson() const {
  Json j = {{"name", name},     {"frames", num_frames}, {"width", width},
            {"height", height}, {"source", source.ToJson()}, {"actions", actions},
            {"metadata", metadata}};
  if (!state.empty()) j["state"] = state;
  if (!gaze.empty()) {
    Json g = Json::array();
    for (const auto& pts : gaze) {
      Json row = Json::array();
      for (const auto& p : pts) row.push_back({p[0], p[1]});
      g.push_back(row);
    }
    j["gaze"] = g;
  }
  return j;
}

Episode Episode::FromJson(const Json& j, const std::string& file) {
  try {
    Episode e;
    e.name = RequireField(j, "name", file, "").get<std::string>();
    e.num_frames = JsonToInt(RequireField(j, "frames", file, ""), file, "frames");
    e.width = JsonToInt(RequireField(j, "width", file, ""), file, "width");
    e.height = JsonToInt(RequireField(j, "height", file, ""), file, "height");
    e.source = FrameSourceRef::FromJson(RequireField(j, "source", file, ""), file);
    e.actions = MatrixFromJson(RequireField(j, "actions", file, ""), file, "actions");
    if (e.actions.size() != static_cast<size_t>(e.num_frames)) {
      throw Error(file, "actions", "has " + std::to_string(e.actions.size()) +
                                       " rows but the episode has " +
                                       std::to_string(e.num_frames) + " frames");
    }
    if (j.contains("state")) {
      for (const auto& [k, v] : j["state"].items()) e.state[k] = MatrixFromJson(v, file, "state." + k);
    }
    if (j.contains("gaze")) {
      for (const Json& row : j["gaze"]) {
        std::vector<GazePoint> pts;
        for (const Json& p : row) pts.push_back({p.at(0).get<float>(), p.at(1).get<float>()});
        e.gaze.push_back(std::move(pts));
      }
    }
    if (j.contains("metadata")) e.metadata = j["metadata"];
    return e;
  } catch (const Json::exception& ex) {
    throw Error(file, "", std::string("invalid episode record: ") + ex.what());
  }
}

}  // namespace autofocus
