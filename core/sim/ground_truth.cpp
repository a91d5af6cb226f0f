#include "core/sim/ground_truth.h"

#include "core/base/error.h"
#include "core/dataset/project_store.h"

namespace autofocus::sim {

Json EpisodeGroundTruth::ToJson() const {
  Json frames_json = Json::array();
  for (const auto& f : frames) {
    Json objs = Json::array();
    for (const auto& o : f.objects) {
      Json jo = {{"id", o.id},
                 {"class", o.cls},
                 {"box", {o.box.x1, o.box.y1, o.box.x2, o.box.y2}},
                 {"relevant", o.relevant},
                 {"distance", o.distance}};
      if (!o.reason.empty()) jo["reason"] = o.reason;
      objs.push_back(std::move(jo));
    }
    frames_json.push_back({{"index", f.index},
                           {"action", f.action},
                           {"speed", f.speed},
                           {"expert", f.expert},
                           {"objects", std::move(objs)}});
  }
  return {{"format", kGroundTruthFormat},
          {"version", 1},
          {"episode", episode},
          {"width", width},
          {"height", height},
          {"split", split},
          {"route_family", route_family},
          {"description", description},
          {"seed", seed},
          {"confounded", confounded},
          {"object_counts", object_counts},
          {"frames", std::move(frames_json)}};
}

EpisodeGroundTruth EpisodeGroundTruth::FromJson(const Json& j, const std::string& file) {
  EpisodeGroundTruth g;
  try {
    if (!j.is_object() || j.value("format", "") != kGroundTruthFormat) {
      throw Error(file, "format", std::string("not a sample-world ground-truth file (expected \"") +
                                      kGroundTruthFormat + "\")");
    }
    if (RequireField(j, "version", file, "").get<int>() != 1) {
      throw Error(file, "version", "unsupported ground-truth version");
    }
    g.episode = RequireField(j, "episode", file, "").get<std::string>();
    g.width = RequireField(j, "width", file, "").get<int>();
    g.height = RequireField(j, "height", file, "").get<int>();
    g.split = j.value("split", "");
    g.route_family = j.value("route_family", "");
    g.description = j.value("description", "");
    g.seed = j.value("seed", uint64_t{0});
    g.confounded = j.value("confounded", false);
    g.object_counts = j.value("object_counts", std::map<std::string, int>{});
    const Json& frames = RequireField(j, "frames", file, "");
    for (size_t fi = 0; fi < frames.size(); ++fi) {
      const Json& jf = frames[fi];
      const std::string where = "frames[" + std::to_string(fi) + "]";
      FrameGroundTruth f;
      f.index = RequireField(jf, "index", file, where).get<int>();
      if (f.index != static_cast<int>(fi)) throw Error(file, where + ".index", "frames out of order");
      f.action = jf.value("action", std::vector<float>{});
      f.speed = jf.value("speed", 0.f);
      f.expert = jf.value("expert", "");
      const Json& objs = RequireField(jf, "objects", file, where);
      for (size_t oi = 0; oi < objs.size(); ++oi) {
        const Json& jo = objs[oi];
        const std::string ow = where + ".objects[" + std::to_string(oi) + "]";
        GtObject o;
        o.id = RequireField(jo, "id", file, ow).get<int>();
        o.cls = RequireField(jo, "class", file, ow).get<std::string>();
        const Json& b = RequireField(jo, "box", file, ow);
        if (!b.is_array() || b.size() != 4) throw Error(file, ow + ".box", "expected [x1,y1,x2,y2]");
        o.box = {b[0].get<float>(), b[1].get<float>(), b[2].get<float>(), b[3].get<float>()};
        o.relevant = RequireField(jo, "relevant", file, ow).get<bool>();
        o.reason = jo.value("reason", "");
        o.distance = jo.value("distance", 0.f);
        f.objects.push_back(std::move(o));
      }
      g.frames.push_back(std::move(f));
    }
  } catch (const Json::exception& ex) {
    throw Error(file, "", std::string("invalid ground-truth file: ") + ex.what());
  }
  return g;
}

std::shared_ptr<GroundTruthStore> GroundTruthStore::FromProject(const std::filesystem::path& dir) {
  const ProjectStore project = ProjectStore::Open(dir);
  auto store = std::make_shared<GroundTruthStore>();
  for (const auto& e : project.info().episodes) {
    store->files_[e.name] = project.ArtifactPath(e.name, kGroundTruthArtifact);
  }
  return store;
}

void GroundTruthStore::Add(EpisodeGroundTruth episode) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string name = episode.episode;
  loaded_[name] = std::make_shared<const EpisodeGroundTruth>(std::move(episode));
}

std::shared_ptr<const EpisodeGroundTruth> GroundTruthStore::Episode(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = loaded_.find(name);
  if (it != loaded_.end()) return it->second;
  auto f = files_.find(name);
  if (f == files_.end()) {
    throw Error("", "episode " + name,
                "the scene oracle has no ground truth for this episode (only sample-world "
                "projects carry ground_truth.json)");
  }
  // Parsing under the lock keeps one copy per episode; it happens once per episode.
  auto gt = std::make_shared<const EpisodeGroundTruth>(
      EpisodeGroundTruth::FromJson(LoadJsonFile(f->second), f->second.string()));
  loaded_[name] = gt;
  return gt;
}

const FrameGroundTruth& GroundTruthStore::Frame(const EpisodeGroundTruth& episode, int index) const {
  if (index < 0 || index >= static_cast<int>(episode.frames.size())) {
    throw Error("", "episode " + episode.episode + " frame " + std::to_string(index),
                "frame index out of range (episode has " + std::to_string(episode.frames.size()) +
                    " frames)");
  }
  return episode.frames[static_cast<size_t>(index)];
}

}  // namespace autofocus::sim
