#include "core/curation/curation_state.h"

#include <algorithm>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/json_int.h"
#include "core/dataset/project_store.h"

namespace autofocus {
namespace {

// Integers of a JSON list, range-checked (a float such as 1e300 would be an undefined cast).
std::vector<int> IntList(const Json& j, const std::string& file, const std::string& where) {
  if (!j.is_array()) throw Error(file, where, "must be a list of integers");
  std::vector<int> v;
  v.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    v.push_back(JsonToInt(j[i], file, where + "[" + std::to_string(i) + "]"));
  }
  return v;
}

std::vector<int> SortedIds(const Json& j, const std::string& file, const std::string& where) {
  std::vector<int> v = IntList(j, file, where);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<std::vector<Detection>> FramesFromJson(const Json& frames, const char* field, int num_frames,
                                                   const std::string& file) {
  std::vector<std::vector<Detection>> out(static_cast<size_t>(std::max(0, num_frames)));
  if (!frames.is_array()) return out;
  if (num_frames >= 0 && frames.size() > out.size()) out.resize(frames.size());
  for (size_t t = 0; t < frames.size(); ++t) {
    const std::string where = "frames[" + std::to_string(t) + "]";
    const Json& list = RequireField(frames[t], field, file, where);
    for (size_t i = 0; i < list.size(); ++i) {
      out[t].push_back(DetectionFromJson(list[i], file, where + "." + field + "[" + std::to_string(i) + "]"));
    }
  }
  return out;
}

Json FramesToJson(const std::vector<std::vector<Detection>>& frames, const char* field) {
  Json out = Json::array();
  for (const auto& f : frames) {
    Json objs = Json::array();
    for (const auto& d : f) objs.push_back(DetectionToJson(d));
    out.push_back({{field, objs}});
  }
  return out;
}

}  // namespace

bool CurationSegment::IsKey(int id) const { return std::binary_search(key_ids.begin(), key_ids.end(), id); }

std::string CurationSegment::DecidedBy() const {
  for (const auto& [id, who] : decided) {
    if (who == kDecidedByPerson) return kDecidedByPerson;
  }
  return model_decided_by;
}

bool CurationSegment::operator==(const CurationSegment& o) const {
  return start == o.start && end == o.end && ids == o.ids && key_ids == o.key_ids &&
         model_decided_by == o.model_decided_by && decided == o.decided;
}

int CurationState::SegmentAt(int frame) const {
  for (size_t i = 0; i < segments.size(); ++i) {
    if (frame >= segments[i].start && frame <= segments[i].end) return static_cast<int>(i);
  }
  return -1;
}

int CurationState::SegmentStartingAt(int start) const {
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].start == start) return static_cast<int>(i);
  }
  return -1;
}

std::vector<Detection> CurationState::KeyBoxes(int frame) const {
  std::vector<Detection> out;
  const int s = SegmentAt(frame);
  if (s < 0 || frame < 0 || frame >= num_frames()) return out;
  for (const auto& d : tracked[static_cast<size_t>(frame)]) {
    if (segments[static_cast<size_t>(s)].IsKey(d.id)) out.push_back(d);
  }
  return out;
}

std::vector<std::vector<Detection>> CurationState::AllKeyBoxes() const {
  std::vector<std::vector<Detection>> out(tracked.size());
  for (int t = 0; t < num_frames(); ++t) out[static_cast<size_t>(t)] = KeyBoxes(t);
  return out;
}

int CurationState::MaxTrackId() const {
  int m = -1;
  for (const auto& f : tracked) {
    for (const auto& d : f) m = std::max(m, d.id);
  }
  for (const auto& s : segments) {
    for (int id : s.ids) m = std::max(m, id);
  }
  return m;
}

int CurationState::FindBox(int frame, int id) const {
  if (frame < 0 || frame >= num_frames()) return -1;
  const auto& f = tracked[static_cast<size_t>(frame)];
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

bool CurationState::IsExcluded(int frame) const {
  return std::binary_search(excluded_frames.begin(), excluded_frames.end(), frame);
}

bool CurationState::operator==(const CurationState& o) const {
  if (episode != o.episode || tracked.size() != o.tracked.size() || segments != o.segments ||
      excluded_frames != o.excluded_frames || episode_excluded != o.episode_excluded || flags != o.flags) {
    return false;
  }
  for (size_t t = 0; t < tracked.size(); ++t) {
    const auto& a = tracked[t];
    const auto& b = o.tracked[t];
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!(a[i].box == b[i].box) || a[i].label != b[i].label || a[i].score != b[i].score || a[i].id != b[i].id) {
        return false;
      }
    }
  }
  return true;
}

Json BoxToJson(const Box& b) { return Json::array({b.x1, b.y1, b.x2, b.y2}); }

Box BoxFromJson(const Json& j, const std::string& file, const std::string& where) {
  if (!j.is_array() || j.size() != 4) throw Error(file, where, "a box must be [x1,y1,x2,y2]");
  for (const Json& v : j) {
    if (!v.is_number()) throw Error(file, where, "box coordinates must be numbers");
  }
  Box b{j[0].get<float>(), j[1].get<float>(), j[2].get<float>(), j[3].get<float>()};
  if (!(b.x2 >= b.x1 && b.y2 >= b.y1)) throw Error(file, where, "box corners are out of order (x2 < x1 or y2 < y1)");
  return b;
}

Json DetectionToJson(const Detection& d) {
  return {{"box", BoxToJson(d.box)}, {"label", d.label}, {"score", d.score}, {"id", d.id}};
}

Detection DetectionFromJson(const Json& j, const std::string& file, const std::string& where) {
  if (!j.is_object()) throw Error(file, where, "a detection must be an object");
  Detection d;
  d.box = BoxFromJson(RequireField(j, "box", file, where), file, where + ".box");
  d.label = j.value("label", "");
  d.score = j.value("score", 1.f);
  d.id = j.contains("id") ? JsonToInt(j.at("id"), file, where + ".id") : -1;
  return d;
}

CurationState CurationStateFromJson(const std::string& episode, int num_frames, const Json& tracks,
                                    const Json& key_objects, const std::string& file) {
  CurationState s;
  s.episode = episode;
  try {
    const Json tracks_result = tracks.is_object() ? tracks.value("result", Json::object()) : Json::object();
    const Json curation = key_objects.is_object() ? key_objects.value("curation", Json()) : Json();
    if (curation.is_object() && curation.contains("tracked")) {
      // A baked file: its own copy of the edited boxes wins over tracks.json.
      s.tracked = FramesFromJson(curation.at("tracked"), "detections", num_frames, file);
    } else {
      s.tracked = FramesFromJson(tracks_result.value("frames", Json::array()), "detections", num_frames, file);
      // Key boxes the key-object stage added beyond tracks.json (boxes interpolated over a
      // bridged gap, tracks of re-detected missing categories) join their frame's tracked boxes,
      // so the curated key boxes are the pipeline's and edits reach them like any box.
      if (key_objects.is_object() && key_objects.contains("frames")) {
        const auto keys = FramesFromJson(key_objects.at("frames"), "objects", num_frames, file);
        for (size_t t = 0; t < keys.size() && t < s.tracked.size(); ++t) {
          for (const Detection& d : keys[t]) {
            auto& frame = s.tracked[t];
            if (d.id >= 0 && std::none_of(frame.begin(), frame.end(), [&](const Detection& o) { return o.id == d.id; })) {
              frame.push_back(d);
            }
          }
        }
      }
    }
    Json segs = key_objects.is_object() ? key_objects.value("segments", Json::array()) : Json::array();
    if (!segs.is_array() || segs.empty()) segs = tracks_result.value("segments", Json::array());
    for (size_t i = 0; i < segs.size(); ++i) {
      const Json& j = segs[i];
      const std::string where = "segments[" + std::to_string(i) + "]";
      CurationSegment seg;
      seg.start = JsonToInt(RequireField(j, "start", file, where), file, where + ".start");
      seg.end = JsonToInt(RequireField(j, "end", file, where), file, where + ".end");
      seg.ids = SortedIds(j.value("ids", Json::array()), file, where + ".ids");
      seg.key_ids = SortedIds(j.value("key_ids", Json::array()), file, where + ".key_ids");
      const std::string by = j.value("decided_by", kDecidedByModel);
      seg.model_decided_by = kDecidedByModel;
      if (j.contains("decided_by_object")) {
        for (const auto& [id, who] : j.at("decided_by_object").items()) seg.decided[std::stoi(id)] = who.get<std::string>();
      } else if (by != kDecidedByModel) {
        seg.model_decided_by = by;  // a person decided it elsewhere (no per-object detail)
      }
      s.segments.push_back(std::move(seg));
    }
    std::sort(s.segments.begin(), s.segments.end(),
              [](const CurationSegment& a, const CurationSegment& b) { return a.start < b.start; });
    if (curation.is_object()) {
      s.excluded_frames =
          IntList(curation.value("excluded_frames", Json::array()), file, "excluded_frames");
      std::sort(s.excluded_frames.begin(), s.excluded_frames.end());
      s.episode_excluded = curation.value("episode_excluded", false);
      for (const Json& f : curation.value("flags", Json::array())) {
        s.flags[JsonToInt(f.at("frame"), file, "flags.frame")] = f.value("note", "");
      }
      s.baked_seq = curation.value("journal_seq", 0LL);
    }
  } catch (const Json::exception& e) {
    throw Error(file, episode, std::string("malformed annotation: ") + e.what());
  }
  s.base = key_objects.is_object() ? key_objects : Json::object();
  return s;
}

CurationState LoadCurationState(const ProjectStore& store, const std::string& episode) {
  const Episode e = store.LoadEpisode(episode);
  const Json tracks = store.HasArtifact(episode, "tracks") ? store.LoadArtifact(episode, "tracks") : Json::object();
  const Json keys =
      store.HasArtifact(episode, "key_objects") ? store.LoadArtifact(episode, "key_objects") : Json::object();
  return CurationStateFromJson(episode, e.num_frames, tracks, keys, store.ArtifactPath(episode, "key_objects").string());
}

Json BakeKeyObjects(const CurationState& state, long long journal_seq) {
  Json art = state.base.is_object() && !state.base.empty() ? state.base : Json{{"stage", "key_objects"}, {"complete", true}};
  Json old_segs = art.value("segments", Json::array());
  Json segs = Json::array();
  for (const CurationSegment& s : state.segments) {
    Json j = Json::object();
    for (const Json& o : old_segs) {
      if (o.value("start", -1) == s.start) j = o;  // keep the model's record (iterations, prompt)
    }
    j["start"] = s.start;
    j["end"] = s.end;
    j["ids"] = s.ids;
    if (!j.contains("frame")) j["frame"] = s.start;
    if (!j.contains("status")) j["status"] = "ok";
    j["key_ids"] = s.key_ids;
    j["decided_by"] = s.DecidedBy();
    Json per = Json::object();
    for (const auto& [id, who] : s.decided) per[std::to_string(id)] = who;
    j["decided_by_object"] = per;
    segs.push_back(std::move(j));
  }
  Json frames = FramesToJson(state.AllKeyBoxes(), "objects");
  Json flags = Json::array();
  for (const auto& [f, note] : state.flags) flags.push_back({{"frame", f}, {"note", note}});
  art["segments"] = segs;
  art["output_hash"] = Sha256Hex(frames.dump());
  art["frames"] = std::move(frames);
  art["curation"] = {{"journal_seq", journal_seq},
                     {"baked", NowIso8601()},
                     {"excluded_frames", state.excluded_frames},
                     {"episode_excluded", state.episode_excluded},
                     {"flags", flags},
                     {"tracked", FramesToJson(state.tracked, "detections")}};
  return art;
}

void BakeToProject(const ProjectStore& store, const CurationState& state, long long journal_seq) {
  store.SaveArtifact(state.episode, "key_objects", BakeKeyObjects(state, journal_seq));
}

}  // namespace autofocus
