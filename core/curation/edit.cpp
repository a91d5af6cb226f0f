#include "core/curation/edit.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/base/error.h"
#include "core/dataset/project_store.h"

namespace autofocus {
namespace {

// Edits are validated against the state before anything changes, so a failing edit leaves the
// state as it was (the undo stack and the journal never see half an edit).
[[noreturn]] void Fail(const Edit& e, const std::string& reason) {
  throw Error("", e.op + " (" + e.episode + ")", reason);
}

int IntParam(const Edit& e, const char* name) {
  auto it = e.params.find(name);
  if (it == e.params.end() || !it->is_number_integer()) Fail(e, std::string("parameter '") + name + "' must be an integer");
  return it->get<int>();
}

int OptIntParam(const Edit& e, const char* name, int fallback) {
  auto it = e.params.find(name);
  if (it == e.params.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) Fail(e, std::string("parameter '") + name + "' must be an integer");
  return it->get<int>();
}

void CheckFrame(const CurationState& s, const Edit& e, int frame) {
  if (frame < 0 || frame >= s.num_frames()) {
    Fail(e, "frame " + std::to_string(frame) + " is out of range [0, " + std::to_string(s.num_frames()) + ")");
  }
}

void InsertSorted(std::vector<int>& v, int x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}

bool EraseSorted(std::vector<int>& v, int x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) return false;
  v.erase(it);
  return true;
}

bool Contains(const std::vector<int>& v, int x) { return std::binary_search(v.begin(), v.end(), x); }

bool TrackExists(const CurationState& s, int id) {
  for (const auto& f : s.tracked) {
    for (const auto& d : f) {
      if (d.id == id) return true;
    }
  }
  for (const auto& seg : s.segments) {
    if (Contains(seg.ids, id)) return true;
  }
  return false;
}

Json SnapshotSegment(const CurationState& s, size_t i) {
  const CurationSegment& seg = s.segments[i];
  Json decided = Json::object();
  for (const auto& [id, who] : seg.decided) decided[std::to_string(id)] = who;
  return {{"index", i}, {"start", seg.start}, {"ids", seg.ids}, {"key_ids", seg.key_ids}, {"decided", decided}};
}

void CheckSnapshots(const CurationState& s, const Edit& e) {
  for (const Json& j : e.params.value("segments", Json::array())) {
    const size_t i = j.value("index", static_cast<size_t>(-1));
    if (i >= s.segments.size() || s.segments[i].start != j.value("start", -1)) {
      Fail(e, "the sub-sequences changed since the edit (no sub-sequence " + j.dump() + ")");
    }
  }
}

void RestoreSnapshots(CurationState& s, const Json& snaps) {
  for (const Json& j : snaps) {
    CurationSegment& seg = s.segments[j.at("index").get<size_t>()];
    seg.ids = j.at("ids").get<std::vector<int>>();
    seg.key_ids = j.at("key_ids").get<std::vector<int>>();
    seg.decided.clear();
    for (const auto& [id, who] : j.at("decided").items()) seg.decided[std::stoi(id)] = who.get<std::string>();
  }
}

void Relabel(CurationState& s, int frame, int from, int to) {
  for (auto& d : s.tracked[static_cast<size_t>(frame)]) {
    if (d.id == from) d.id = to;
  }
}

Edit Inverse(const Edit& e, std::string op, Json params) {
  Edit inv;
  inv.op = std::move(op);
  inv.episode = e.episode;
  inv.params = std::move(params);
  inv.author = e.author;
  inv.time = NowIso8601();
  return inv;
}

void Touch(EditEffect& fx, int first, int last) {
  if (first > last) return;
  fx.first_frame = fx.first_frame < 0 ? first : std::min(fx.first_frame, first);
  fx.last_frame = std::max(fx.last_frame, last);
}

Edit MakeEdit(const std::string& episode, std::string op, Json params) {
  Edit e;
  e.op = std::move(op);
  e.episode = episode;
  e.params = std::move(params);
  e.time = NowIso8601();
  return e;
}

}  // namespace

Json Edit::ToJson() const {
  return {{"op", op}, {"episode", episode}, {"params", params}, {"author", author}, {"time", time}};
}

Edit Edit::FromJson(const Json& j, const std::string& file, const std::string& where) {
  if (!j.is_object()) throw Error(file, where, "an edit must be a JSON object");
  Edit e;
  auto text = [&](const char* key, const Json& value) {
    if (!value.is_string()) throw Error(file, where + "." + key, "must be a string");
    return value.get<std::string>();
  };
  e.op = text("op", RequireField(j, "op", file, where));
  e.episode = text("episode", RequireField(j, "episode", file, where));
  e.params = j.value("params", Json::object());
  if (!e.params.is_object()) throw Error(file, where + ".params", "must be an object");
  e.author = text("author", j.value("author", Json(kDecidedByPerson)));
  e.time = text("time", j.value("time", Json("")));
  return e;
}

bool Edit::operator==(const Edit& o) const {
  return op == o.op && episode == o.episode && params == o.params && author == o.author && time == o.time;
}

namespace {

Edit ApplyEditUnchecked(CurationState& s, Edit& e, EditEffect* effect) {
  EditEffect local;
  EditEffect& fx = effect ? *effect : local;
  fx = EditEffect{};
  if (e.episode != s.episode) Fail(e, "the edit is for episode '" + e.episode + "', not '" + s.episode + "'");
  const std::string& op = e.op;

  if (op == "set_key") {
    const int start = IntParam(e, "start");
    const int id = IntParam(e, "id");
    auto key_it = e.params.find("key");
    if (key_it == e.params.end() || !key_it->is_boolean()) Fail(e, "parameter 'key' must be true or false");
    const int si = s.SegmentStartingAt(start);
    if (si < 0) Fail(e, "no sub-sequence starts at frame " + std::to_string(start));
    CurationSegment& seg = s.segments[static_cast<size_t>(si)];
    if (!Contains(seg.ids, id)) Fail(e, "track " + std::to_string(id) + " is not in the sub-sequence at frame " + std::to_string(start));
    const bool was_key = seg.IsKey(id);
    auto old = seg.decided.find(id);
    const Json old_by = old == seg.decided.end() ? Json(nullptr) : Json(old->second);
    if (key_it->get<bool>()) {
      InsertSorted(seg.key_ids, id);
    } else {
      EraseSorted(seg.key_ids, id);
    }
    auto by = e.params.find("decided_by");
    if (by == e.params.end()) {
      seg.decided[id] = e.author;
    } else if (by->is_null()) {
      seg.decided.erase(id);
    } else {
      seg.decided[id] = by->get<std::string>();
    }
    Touch(fx, seg.start, std::min(seg.end, s.num_frames() - 1));
    fx.segments_changed = true;
    return Inverse(e, "set_key", {{"start", start}, {"id", id}, {"key", was_key}, {"decided_by", old_by}});
  }

  if (op == "add_box") {
    const int frame = IntParam(e, "frame");
    CheckFrame(s, e, frame);
    const Box box = BoxFromJson(e.params.value("box", Json()), "", op + ".box");
    int id = OptIntParam(e, "id", -1);
    if (id < 0) id = s.MaxTrackId() + 1;
    if (s.FindBox(frame, id) >= 0) Fail(e, "track " + std::to_string(id) + " already has a box in frame " + std::to_string(frame));
    auto& f = s.tracked[static_cast<size_t>(frame)];
    int index = OptIntParam(e, "index", static_cast<int>(f.size()));
    index = std::clamp(index, 0, static_cast<int>(f.size()));
    Detection d;
    d.box = box;
    d.label = e.params.value("label", "");
    d.score = e.params.value("score", 1.f);
    d.id = id;
    f.insert(f.begin() + index, d);
    e.params["id"] = id;
    e.params["index"] = index;
    bool added = false;
    const int si = s.SegmentAt(frame);
    if (si >= 0 && !Contains(s.segments[static_cast<size_t>(si)].ids, id)) {
      InsertSorted(s.segments[static_cast<size_t>(si)].ids, id);
      added = true;
      fx.segments_changed = true;
    }
    Touch(fx, frame, frame);
    return Inverse(e, "delete_box", {{"frame", frame}, {"id", id}, {"remove_from_segment", added}});
  }

  if (op == "delete_box") {
    const int frame = IntParam(e, "frame");
    const int id = IntParam(e, "id");
    CheckFrame(s, e, frame);
    const int index = s.FindBox(frame, id);
    if (index < 0) Fail(e, "track " + std::to_string(id) + " has no box in frame " + std::to_string(frame));
    auto& f = s.tracked[static_cast<size_t>(frame)];
    const Detection d = f[static_cast<size_t>(index)];
    f.erase(f.begin() + index);
    const int si = s.SegmentAt(frame);
    if (e.params.value("remove_from_segment", false) && si >= 0) {
      EraseSorted(s.segments[static_cast<size_t>(si)].ids, id);
      fx.segments_changed = true;
    }
    Touch(fx, frame, frame);
    return Inverse(e, "add_box",
                   {{"frame", frame}, {"id", id}, {"box", BoxToJson(d.box)}, {"label", d.label}, {"score", d.score}, {"index", index}});
  }

  if (op == "move_box" || op == "resize_box") {
    const int frame = IntParam(e, "frame");
    const int id = IntParam(e, "id");
    CheckFrame(s, e, frame);
    const Box box = BoxFromJson(e.params.value("box", Json()), "", op + ".box");
    const int index = s.FindBox(frame, id);
    if (index < 0) Fail(e, "track " + std::to_string(id) + " has no box in frame " + std::to_string(frame));
    Detection& d = s.tracked[static_cast<size_t>(frame)][static_cast<size_t>(index)];
    const Box from = d.box;
    d.box = box;
    e.params["from"] = BoxToJson(from);
    Touch(fx, frame, frame);
    return Inverse(e, op, {{"frame", frame}, {"id", id}, {"box", BoxToJson(from)}, {"from", BoxToJson(box)}});
  }

  if (op == "merge_tracks") {
    const int keep = IntParam(e, "keep");
    const int merged = IntParam(e, "merged");
    if (keep == merged) Fail(e, "cannot merge track " + std::to_string(keep) + " with itself");
    if (!TrackExists(s, keep)) Fail(e, "no track " + std::to_string(keep));
    if (!TrackExists(s, merged)) Fail(e, "no track " + std::to_string(merged));
    std::vector<int> frames;
    for (int t = 0; t < s.num_frames(); ++t) {
      const bool has_merged = s.FindBox(t, merged) >= 0;
      if (has_merged && s.FindBox(t, keep) >= 0) {
        Fail(e, "tracks " + std::to_string(keep) + " and " + std::to_string(merged) + " are both in frame " + std::to_string(t));
      }
      if (has_merged) frames.push_back(t);
    }
    Json snaps = Json::array();
    for (size_t i = 0; i < s.segments.size(); ++i) {
      if (Contains(s.segments[i].ids, merged)) snaps.push_back(SnapshotSegment(s, i));
    }
    for (int t : frames) Relabel(s, t, merged, keep);
    for (const Json& j : snaps) {
      CurationSegment& seg = s.segments[j.at("index").get<size_t>()];
      const bool key = seg.IsKey(merged) || seg.IsKey(keep);
      EraseSorted(seg.ids, merged);
      InsertSorted(seg.ids, keep);
      EraseSorted(seg.key_ids, merged);
      if (key) InsertSorted(seg.key_ids, keep);
      auto it = seg.decided.find(merged);
      if (it != seg.decided.end()) {
        if (!seg.decided.count(keep)) seg.decided[keep] = it->second;
        seg.decided.erase(it);
      }
      Touch(fx, seg.start, std::min(seg.end, s.num_frames() - 1));
    }
    if (!frames.empty()) Touch(fx, frames.front(), frames.back());
    fx.segments_changed = true;
    return Inverse(e, "unmerge_tracks", {{"keep", keep}, {"merged", merged}, {"frames", frames}, {"segments", snaps}});
  }

  if (op == "unmerge_tracks") {
    const int keep = IntParam(e, "keep");
    const int merged = IntParam(e, "merged");
    const std::vector<int> frames = e.params.value("frames", std::vector<int>{});
    for (int t : frames) {
      CheckFrame(s, e, t);
      if (s.FindBox(t, keep) < 0) Fail(e, "track " + std::to_string(keep) + " has no box in frame " + std::to_string(t));
    }
    CheckSnapshots(s, e);
    for (int t : frames) Relabel(s, t, keep, merged);
    RestoreSnapshots(s, e.params.value("segments", Json::array()));
    for (const Json& j : e.params.value("segments", Json::array())) {
      const CurationSegment& seg = s.segments[j.at("index").get<size_t>()];
      Touch(fx, seg.start, std::min(seg.end, s.num_frames() - 1));
    }
    if (!frames.empty()) Touch(fx, frames.front(), frames.back());
    fx.segments_changed = true;
    return Inverse(e, "merge_tracks", {{"keep", keep}, {"merged", merged}});
  }

  if (op == "split_track") {
    const int id = IntParam(e, "id");
    const int frame = IntParam(e, "frame");
    CheckFrame(s, e, frame);
    int new_id = OptIntParam(e, "new_id", -1);
    if (new_id < 0) new_id = s.MaxTrackId() + 1;
    if (new_id == id || TrackExists(s, new_id)) Fail(e, "track " + std::to_string(new_id) + " already exists");
    bool before = false, after = false;
    for (int t = 0; t < s.num_frames(); ++t) {
      if (s.FindBox(t, id) >= 0) (t < frame ? before : after) = true;
    }
    if (!before || !after) {
      Fail(e, "track " + std::to_string(id) + " must have boxes before and from frame " + std::to_string(frame) + " to be split there");
    }
    Json snaps = Json::array();
    for (size_t i = 0; i < s.segments.size(); ++i) {
      if (s.segments[i].end >= frame && Contains(s.segments[i].ids, id)) snaps.push_back(SnapshotSegment(s, i));
    }
    for (int t = frame; t < s.num_frames(); ++t) Relabel(s, t, id, new_id);
    for (const Json& j : snaps) {
      CurationSegment& seg = s.segments[j.at("index").get<size_t>()];
      const bool key = seg.IsKey(id);
      InsertSorted(seg.ids, new_id);
      if (key) InsertSorted(seg.key_ids, new_id);
      auto it = seg.decided.find(id);
      if (it != seg.decided.end()) seg.decided[new_id] = it->second;
      if (seg.start >= frame) {  // wholly after the split: the old ID is gone from it
        EraseSorted(seg.ids, id);
        EraseSorted(seg.key_ids, id);
        seg.decided.erase(id);
      }
    }
    e.params["new_id"] = new_id;
    Touch(fx, frame, s.num_frames() - 1);
    fx.segments_changed = true;
    return Inverse(e, "unsplit_track", {{"id", id}, {"frame", frame}, {"new_id", new_id}, {"segments", snaps}});
  }

  if (op == "unsplit_track") {
    const int id = IntParam(e, "id");
    const int frame = IntParam(e, "frame");
    const int new_id = IntParam(e, "new_id");
    CheckFrame(s, e, frame);
    for (int t = frame; t < s.num_frames(); ++t) {
      if (s.FindBox(t, id) >= 0 && s.FindBox(t, new_id) >= 0) {
        Fail(e, "tracks " + std::to_string(id) + " and " + std::to_string(new_id) + " are both in frame " + std::to_string(t));
      }
    }
    CheckSnapshots(s, e);
    for (int t = frame; t < s.num_frames(); ++t) Relabel(s, t, new_id, id);
    RestoreSnapshots(s, e.params.value("segments", Json::array()));
    Touch(fx, frame, s.num_frames() - 1);
    fx.segments_changed = true;
    return Inverse(e, "split_track", {{"id", id}, {"frame", frame}, {"new_id", new_id}});
  }

  if (op == "exclude_frames" || op == "include_frames") {
    const bool exclude = op == "exclude_frames";
    auto it = e.params.find("frames");
    if (it == e.params.end() || !it->is_array()) Fail(e, "parameter 'frames' must be a list of frames");
    std::vector<int> changed;
    for (const Json& v : *it) {
      if (!v.is_number_integer()) Fail(e, "parameter 'frames' must be a list of frames");
      CheckFrame(s, e, v.get<int>());
    }
    for (const Json& v : *it) {
      const int t = v.get<int>();
      if (exclude ? !s.IsExcluded(t) : s.IsExcluded(t)) {
        exclude ? InsertSorted(s.excluded_frames, t) : (void)EraseSorted(s.excluded_frames, t);
        changed.push_back(t);
        Touch(fx, t, t);
      }
    }
    fx.flags_changed = true;
    return Inverse(e, exclude ? "include_frames" : "exclude_frames", {{"frames", changed}});
  }

  if (op == "exclude_episode" || op == "include_episode") {
    const bool was = s.episode_excluded;
    s.episode_excluded = op == "exclude_episode";
    fx.flags_changed = true;
    return Inverse(e, was ? "exclude_episode" : "include_episode", Json::object());
  }

  if (op == "flag_frame" || op == "unflag_frame") {
    const int frame = IntParam(e, "frame");
    CheckFrame(s, e, frame);
    auto old = s.flags.find(frame);
    Edit inv = old == s.flags.end() ? Inverse(e, "unflag_frame", {{"frame", frame}})
                                    : Inverse(e, "flag_frame", {{"frame", frame}, {"note", old->second}});
    if (op == "flag_frame") {
      s.flags[frame] = e.params.value("note", "");
    } else {
      s.flags.erase(frame);
    }
    Touch(fx, frame, frame);
    fx.flags_changed = true;
    return inv;
  }

  Fail(e, "unknown operation");
}

}  // namespace

Edit ApplyEdit(CurationState& s, Edit& e, EditEffect* effect) {
  // A record read from a damaged journal can hold parameters of the wrong type or snapshots
  // that no longer fit; the checks above cover what the studio writes, and whatever slips
  // through them (a JSON type error, a bad number in a snapshot) becomes the Error of a failed
  // edit with the state as it was (the copy costs one episode's boxes per edit).
  const CurationState before = s;
  const Edit asked = e;
  try {
    return ApplyEditUnchecked(s, e, effect);
  } catch (const Json::exception& ex) {
    s = before;
    e = asked;
    Fail(e, std::string("malformed parameters: ") + ex.what());
  } catch (const std::logic_error& ex) {  // std::stoi of a snapshot's object ID
    s = before;
    e = asked;
    Fail(e, std::string("malformed parameters: ") + ex.what());
  }
}

Edit MakeSetKeyEdit(const std::string& episode, int segment_start, int id, bool key) {
  return MakeEdit(episode, "set_key", {{"start", segment_start}, {"id", id}, {"key", key}});
}

Edit MakeAddBoxEdit(const std::string& episode, int frame, const Box& box, const std::string& label, int id) {
  return MakeEdit(episode, "add_box", {{"frame", frame}, {"box", BoxToJson(box)}, {"label", label}, {"id", id}});
}

Edit MakeDeleteBoxEdit(const std::string& episode, int frame, int id) {
  return MakeEdit(episode, "delete_box", {{"frame", frame}, {"id", id}});
}

Edit MakeMoveBoxEdit(const std::string& episode, int frame, int id, const Box& box, bool resize) {
  return MakeEdit(episode, resize ? "resize_box" : "move_box", {{"frame", frame}, {"id", id}, {"box", BoxToJson(box)}});
}

Edit MakeMergeTracksEdit(const std::string& episode, int keep, int merged) {
  return MakeEdit(episode, "merge_tracks", {{"keep", keep}, {"merged", merged}});
}

Edit MakeSplitTrackEdit(const std::string& episode, int id, int frame) {
  return MakeEdit(episode, "split_track", {{"id", id}, {"frame", frame}});
}

Edit MakeExcludeFramesEdit(const std::string& episode, std::vector<int> frames, bool exclude) {
  return MakeEdit(episode, exclude ? "exclude_frames" : "include_frames", {{"frames", frames}});
}

Edit MakeExcludeEpisodeEdit(const std::string& episode, bool exclude) {
  return MakeEdit(episode, exclude ? "exclude_episode" : "include_episode", Json::object());
}

Edit MakeFlagFrameEdit(const std::string& episode, int frame, bool flag, const std::string& note) {
  return flag ? MakeEdit(episode, "flag_frame", {{"frame", frame}, {"note", note}})
              : MakeEdit(episode, "unflag_frame", {{"frame", frame}});
}

std::string DescribeEdit(const Edit& e) {
  const Json& p = e.params;
  auto num = [&](const char* k) { return p.contains(k) ? p.at(k).dump() : std::string("?"); };
  if (e.op == "set_key") return std::string(p.value("key", false) ? "Make #" : "Prune #") + num("id") + " (sub-sequence at " + num("start") + ")";
  if (e.op == "add_box") return "Add box #" + num("id") + " in frame " + num("frame");
  if (e.op == "delete_box") return "Delete box #" + num("id") + " in frame " + num("frame");
  if (e.op == "move_box") return "Move box #" + num("id") + " in frame " + num("frame");
  if (e.op == "resize_box") return "Resize box #" + num("id") + " in frame " + num("frame");
  if (e.op == "merge_tracks") return "Merge track #" + num("merged") + " into #" + num("keep");
  if (e.op == "unmerge_tracks") return "Unmerge track #" + num("merged") + " from #" + num("keep");
  if (e.op == "split_track") return "Split track #" + num("id") + " at frame " + num("frame");
  if (e.op == "unsplit_track") return "Rejoin track #" + num("new_id") + " into #" + num("id");
  if (e.op == "exclude_frames") return "Exclude " + std::to_string(p.value("frames", Json::array()).size()) + " frame(s)";
  if (e.op == "include_frames") return "Include " + std::to_string(p.value("frames", Json::array()).size()) + " frame(s)";
  if (e.op == "exclude_episode") return "Exclude episode " + e.episode;
  if (e.op == "include_episode") return "Include episode " + e.episode;
  if (e.op == "flag_frame") return "Flag frame " + num("frame");
  if (e.op == "unflag_frame") return "Unflag frame " + num("frame");
  return e.op;
}

}  // namespace autofocus
