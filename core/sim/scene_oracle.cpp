#include "core/sim/scene_oracle.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"
#include "core/detect/detector_factory.h"
#include "core/sim/rng.h"
#include "core/sim/world.h"

namespace autofocus::sim {
namespace {

std::string Capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string RelevanceOf(const std::string& cls) {
  if (cls == "car" || cls == "pedestrian") return "safety_critical";
  if (cls == "traffic light" || cls == "stop sign") return "traffic_control";
  if (cls == "parked car") return "navigation";
  return "context";
}

Json BoxJson(const Box& b) { return Json::array({b.x1, b.y1, b.x2, b.y2}); }

void FillRecord(CallRecord* record, const Json& request, const Json& parsed,
                std::vector<std::string> warnings) {
  if (!record) return;
  record->backend = kSceneOracleKind;
  record->model = "ground-truth";
  record->template_name = "";
  record->template_hash = "";
  record->request = request;
  record->cache_key = Sha256Hex(request.dump());
  record->raw_answer = parsed.dump();
  record->parsed = parsed;
  record->warnings = std::move(warnings);
  record->error.clear();
  record->latency_ms = 0;
}

}  // namespace

void SceneOracleOptions::Check() const {
  auto prob = [](double v, const char* field) {
    if (!(v >= 0 && v <= 1)) throw Error("", std::string("scene_oracle.") + field, "must be in 0..1");
  };
  prob(miss_rate, "miss_rate");
  prob(omit_relevant_probability, "omit_relevant_probability");
  if (!(jitter_px >= 0 && jitter_px <= 100)) throw Error("", "scene_oracle.jitter_px", "must be in 0..100");
  prob(jitter_fraction, "jitter_fraction");
  if (!(false_positive_rate >= 0 && false_positive_rate <= 20)) {
    throw Error("", "scene_oracle.false_positive_rate", "must be in 0..20");
  }
  if (!(match_iou > 0 && match_iou <= 1)) throw Error("", "scene_oracle.match_iou", "must be in (0, 1]");
}

Json SceneOracleOptions::ToJson() const {
  return {{"seed", seed},
          {"miss_rate", miss_rate},
          {"jitter_px", jitter_px},
          {"jitter_fraction", jitter_fraction},
          {"scenery_in_vocabulary", scenery_in_vocabulary},
          {"false_positive_rate", false_positive_rate},
          {"omit_relevant_probability", omit_relevant_probability},
          {"match_iou", match_iou}};
}

SceneOracleOptions SceneOracleOptions::FromJson(const Json& j, const std::string& file) {
  SceneOracleOptions o;
  try {
    if (!j.is_object()) throw Error(file, "scene_oracle", "expected an object");
    o.seed = j.value("seed", o.seed);
    o.miss_rate = j.value("miss_rate", o.miss_rate);
    o.jitter_px = j.value("jitter_px", o.jitter_px);
    o.jitter_fraction = j.value("jitter_fraction", o.jitter_fraction);
    o.scenery_in_vocabulary = j.value("scenery_in_vocabulary", o.scenery_in_vocabulary);
    o.false_positive_rate = j.value("false_positive_rate", o.false_positive_rate);
    o.omit_relevant_probability = j.value("omit_relevant_probability", o.omit_relevant_probability);
    o.match_iou = j.value("match_iou", o.match_iou);
  } catch (const Json::exception& ex) {
    throw Error(file, "scene_oracle", std::string("invalid value: ") + ex.what());
  }
  try {
    o.Check();
  } catch (const Error& e) {
    throw Error(file, e.where(), e.reason());
  }
  return o;
}

std::string OracleCanonicalClass(const std::string& term) {
  std::string t = ToLower(Trim(term));
  static const std::map<std::string, std::string> kSynonyms = {
      {"person", "pedestrian"},       {"people", "pedestrian"},      {"pedestrians", "pedestrian"},
      {"walker", "pedestrian"},       {"vehicle", "car"},            {"cars", "car"},
      {"automobile", "car"},          {"traffic signal", "traffic light"},
      {"traffic lights", "traffic light"}, {"stop signs", "stop sign"}, {"clouds", "cloud"},
      {"buildings", "building"},      {"trees", "tree"},             {"billboards", "billboard"},
      {"parked cars", "parked car"},  {"parked vehicle", "parked car"}};
  auto it = kSynonyms.find(t);
  return it == kSynonyms.end() ? t : it->second;
}

// ---------------------------------------------------------------------------------------------
// VLM oracle

SceneOracleVlm::SceneOracleVlm(std::shared_ptr<const GroundTruthStore> truth,
                               SceneOracleOptions options)
    : truth_(std::move(truth)), options_(options) {
  if (!truth_) throw Error("", "scene_oracle", "no ground truth given");
  options_.Check();
}

std::string SceneOracleVlm::OmittedClass(const EpisodeGroundTruth& episode,
                                         const std::vector<std::string>& present_relevant) const {
  SimRng rng(MixSeed(MixSeed(options_.seed, HashName(episode.episode)), HashName("omit")));
  if (!rng.Chance(options_.omit_relevant_probability) || present_relevant.empty()) return "";
  // Stop signs and pedestrians first: they are the classes whose absence changes the action.
  std::vector<std::string> preferred;
  for (const auto& c : present_relevant) {
    if (c == "stop sign" || c == "pedestrian") preferred.push_back(c);
  }
  const auto& pool = preferred.empty() ? present_relevant : preferred;
  return pool[static_cast<size_t>(rng.Int(static_cast<int>(pool.size())))];
}

GlobalContext SceneOracleVlm::QueryGlobalContext(const GlobalContextRequest& request,
                                                 CallRecord* record) {
  const auto gt = truth_->Episode(request.episode);
  std::vector<int> indices = request.frame_indices;
  if (indices.empty()) {
    for (int i = 0; i < static_cast<int>(gt->frames.size()); ++i) indices.push_back(i);
  }
  std::map<std::string, int> seen_in;      // class -> sampled frames it is visible in
  std::map<std::string, int> relevant_in;  // class -> sampled frames it is relevant in
  for (int idx : indices) {
    const FrameGroundTruth& f = truth_->Frame(*gt, idx);
    std::set<std::string> here, rel;
    for (const auto& o : f.objects) {
      here.insert(o.cls);
      if (o.relevant) rel.insert(o.cls);
    }
    for (const auto& c : here) seen_in[c]++;
    for (const auto& c : rel) relevant_in[c]++;
  }
  std::vector<std::string> present_relevant;
  for (const auto cls : AllClasses()) {
    if (relevant_in.count(ClassName(cls))) present_relevant.push_back(ClassName(cls));
  }
  const std::string omitted = OmittedClass(*gt, present_relevant);

  GlobalContext ctx;
  std::string counts;
  for (const auto cls : AllClasses()) {
    auto it = gt->object_counts.find(ClassName(cls));
    if (it == gt->object_counts.end() || cls == ObjectClass::kCloud) continue;
    if (!counts.empty()) counts += ", ";
    counts += std::to_string(it->second) + " " + it->first + (it->second == 1 ? "" : "s");
  }
  std::string risks;
  for (const auto& c : present_relevant) risks += (risks.empty() ? "" : ", ") + c;
  ctx.summary = "Scene oracle (answers from the sample world's ground truth, not a model): the ego "
                "car drives " + gt->description + " (route family " + gt->route_family + ", " +
                gt->split + " split), keeping its lane and obeying traffic. Along the route: " +
                counts + ". Potential risks in the sampled frames: " +
                (risks.empty() ? std::string("none") : risks) + ".";
  for (const auto cls : AllClasses()) {
    const std::string name = ClassName(cls);
    auto it = seen_in.find(name);
    if (it == seen_in.end() || name == omitted) continue;
    const bool scenery = cls == ObjectClass::kCloud || cls == ObjectClass::kBuilding || cls == ObjectClass::kTree;
    if (scenery && !options_.scenery_in_vocabulary) continue;
    VocabularyEntry v;
    v.name = Capitalise(name);
    v.relevance = RelevanceOf(name);
    v.description = "ground truth: visible in " + std::to_string(it->second) + " of " +
                    std::to_string(indices.size()) + " sampled frames, relevant in " +
                    std::to_string(relevant_in.count(name) ? relevant_in[name] : 0);
    ctx.vocabulary.push_back(std::move(v));
  }
  std::vector<std::string> warnings;
  if (!omitted.empty()) {
    warnings.push_back("scene oracle deliberately omitted '" + omitted +
                       "' from the vocabulary to exercise missing-category re-detection");
  }
  FillRecord(record,
             {{"kind", "global_context"},
              {"episode", request.episode},
              {"frame_indices", indices},
              {"oracle", options_.ToJson()}},
             ctx.ToJson(), std::move(warnings));
  return ctx;
}

KeyObjectAnswer SceneOracleVlm::SelectKeyObjects(const KeyObjectRequest& request,
                                                 CallRecord* record) {
  const auto gt = truth_->Episode(request.episode);
  const FrameGroundTruth& f = truth_->Frame(*gt, request.frame_index);
  std::vector<const GtObject*> relevant;
  for (const auto& o : f.objects) {
    if (o.relevant) relevant.push_back(&o);
  }
  // One-to-one matching, best IoU first, so two candidates never claim one object.
  struct Pair {
    float iou;
    size_t g, c;
  };
  std::vector<Pair> pairs;
  for (size_t g = 0; g < relevant.size(); ++g) {
    for (size_t c = 0; c < request.candidates.size(); ++c) {
      const float iou = IoU(relevant[g]->box, request.candidates[c].box);
      if (iou >= options_.match_iou) pairs.push_back({iou, g, c});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
    if (a.iou != b.iou) return a.iou > b.iou;
    if (a.g != b.g) return a.g < b.g;
    return a.c < b.c;
  });
  std::vector<int> cand_of(relevant.size(), -1);
  std::vector<bool> cand_used(request.candidates.size(), false);
  std::vector<float> iou_of(relevant.size(), 0.f);
  for (const auto& p : pairs) {
    if (cand_of[p.g] >= 0 || cand_used[p.c]) continue;
    cand_of[p.g] = static_cast<int>(p.c);
    cand_used[p.c] = true;
    iou_of[p.g] = p.iou;
  }
  // Closest relevant objects first; the cap keeps the most immediate ones.
  std::vector<size_t> order(relevant.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return relevant[a]->distance < relevant[b]->distance;
  });
  KeyObjectAnswer answer;
  std::set<std::string> missing;
  for (size_t g : order) {
    if (cand_of[g] < 0) {
      missing.insert(relevant[g]->cls);
      continue;
    }
    if (static_cast<int>(answer.key_objects.size()) >= request.max_key_objects) continue;
    const CandidateObject& c = request.candidates[static_cast<size_t>(cand_of[g])];
    KeyObjectChoice k;
    k.id = c.id;
    k.label = c.label;
    k.score = std::max(0.5f, 0.95f - 0.1f * static_cast<float>(answer.key_objects.size()));
    char iou[16];
    std::snprintf(iou, sizeof iou, "%.2f", iou_of[g]);
    k.rationale = "scene oracle (ground truth): " + relevant[g]->cls + " #" +
                  std::to_string(relevant[g]->id) + " is causally relevant: " +
                  (relevant[g]->reason.empty() ? std::string("flagged relevant") : relevant[g]->reason) +
                  " (IoU " + iou + " with candidate " + std::to_string(c.id) + ")";
    answer.key_objects.push_back(std::move(k));
  }
  for (const auto cls : AllClasses()) {
    if (missing.count(ClassName(cls))) answer.missing_categories.push_back(ClassName(cls));
  }
  Json cands = Json::array();
  for (const auto& c : request.candidates) {
    cands.push_back({{"id", c.id}, {"label", c.label}, {"box", BoxJson(c.box)}});
  }
  FillRecord(record,
             {{"kind", "key_objects"},
              {"episode", request.episode},
              {"frame_index", request.frame_index},
              {"action", request.action},
              {"candidates", cands},
              {"max_key_objects", request.max_key_objects},
              {"oracle", options_.ToJson()}},
             answer.ToJson(), {});
  return answer;
}

// ---------------------------------------------------------------------------------------------
// Detector oracle

SceneOracleDetector::SceneOracleDetector(std::shared_ptr<const GroundTruthStore> truth,
                                         SceneOracleOptions options)
    : truth_(std::move(truth)), options_(options) {
  if (!truth_) throw Error("", "scene_oracle", "no ground truth given");
  options_.Check();
}

std::vector<Detection> SceneOracleDetector::Detect(const DetectRequest& request, CallRecord* record) {
  const auto gt = truth_->Episode(request.episode);
  const FrameGroundTruth& f = truth_->Frame(*gt, request.frame_index);
  // Canonical class -> the vocabulary term it was asked as (returned as the label, like an
  // open-vocabulary detector does).
  std::map<std::string, std::string> wanted;
  std::vector<std::string> terms;
  for (const auto& term : request.vocabulary) {
    const std::string t = ToLower(Trim(term));
    if (t.empty()) continue;
    terms.push_back(t);
    wanted.emplace(OracleCanonicalClass(t), t);
  }
  const float W = static_cast<float>(gt->width), H = static_cast<float>(gt->height);
  const uint64_t frame_seed =
      MixSeed(MixSeed(options_.seed, HashName(request.episode)), static_cast<uint64_t>(request.frame_index));
  std::vector<Detection> out;
  for (const auto& o : f.objects) {
    auto it = wanted.find(o.cls);
    if (it == wanted.end()) continue;
    SimRng rng(MixSeed(frame_seed, static_cast<uint64_t>(o.id)));
    if (rng.Chance(options_.miss_rate)) continue;
    // Real detectors err in proportion to the object's size; a fixed pixel error would make
    // the boxes of small, distant objects unusable.
    const double jx = std::min(options_.jitter_px, options_.jitter_fraction * o.box.Width());
    const double jy = std::min(options_.jitter_px, options_.jitter_fraction * o.box.Height());
    Detection d;
    d.box.x1 = static_cast<float>(std::max(0.0, o.box.x1 + rng.Uniform(-jx, jx)));
    d.box.y1 = static_cast<float>(std::max(0.0, o.box.y1 + rng.Uniform(-jy, jy)));
    d.box.x2 = static_cast<float>(std::min<double>(W, o.box.x2 + rng.Uniform(-jx, jx)));
    d.box.y2 = static_cast<float>(std::min<double>(H, o.box.y2 + rng.Uniform(-jy, jy)));
    if (d.box.x2 < d.box.x1 + 1) d.box.x2 = std::min(W, d.box.x1 + 1);
    if (d.box.y2 < d.box.y1 + 1) d.box.y2 = std::min(H, d.box.y1 + 1);
    d.label = it->second;
    d.score = static_cast<float>(rng.Uniform(0.55, 0.95));
    out.push_back(d);
  }
  // False positives: a Poisson-like count with mean false_positive_rate, boxes anywhere.
  if (!terms.empty() && options_.false_positive_rate > 0) {
    std::string joined;
    for (const auto& t : terms) joined += t + "|";
    SimRng rng(MixSeed(frame_seed, HashName(joined) ^ 0xF00DF00Dull));
    const double rate = options_.false_positive_rate;
    int n = static_cast<int>(std::floor(rate));
    if (rng.Chance(rate - std::floor(rate))) ++n;
    for (int i = 0; i < n; ++i) {
      Detection d;
      const double bw = rng.Uniform(6, 0.2 * W), bh = bw * rng.Uniform(0.5, 1.5);
      const double x = rng.Uniform(0, std::max(1.0, W - bw)), y = rng.Uniform(0, std::max(1.0, H - bh));
      d.box = {static_cast<float>(x), static_cast<float>(y), static_cast<float>(std::min<double>(W, x + bw)),
               static_cast<float>(std::min<double>(H, y + bh))};
      d.label = terms[static_cast<size_t>(rng.Int(static_cast<int>(terms.size())))];
      d.score = static_cast<float>(rng.Uniform(0.4, 0.7));
      out.push_back(d);
    }
  }
  if (record) {
    Json dets = Json::array();
    for (const auto& d : out) dets.push_back({{"label", d.label}, {"score", d.score}, {"box", BoxJson(d.box)}});
    FillRecord(record,
               {{"kind", "detect"},
                {"episode", request.episode},
                {"frame_index", request.frame_index},
                {"vocabulary", terms},
                {"oracle", options_.ToJson()}},
               dets, {});
  }
  return out;
}

void RegisterSceneOracleDetectorKind() {
  RegisterDetectorKind(
      "oracle",
      [](const Json& config, const DetectorConfigContext& ctx) -> std::unique_ptr<Detector> {
        const Json& project = RequireField(config, "project", ctx.origin, ctx.where);
        if (!project.is_string() || project.get<std::string>().empty()) {
          throw Error(ctx.origin, ctx.where + ".project", "must be the sample project's directory");
        }
        std::filesystem::path dir(project.get<std::string>());
        if (dir.is_relative() && !ctx.base_dir.empty()) dir = ctx.base_dir / dir;
        const SceneOracleOptions options = SceneOracleOptions::FromJson(config, ctx.origin);
        return MakeSceneOracleDetector(dir, options);
      },
      /*replace=*/true);
}

std::unique_ptr<SceneOracleDetector> MakeSceneOracleDetector(const std::filesystem::path& dir,
                                                             const SceneOracleOptions& options) {
  return std::make_unique<SceneOracleDetector>(GroundTruthStore::FromProject(dir), options);
}

std::unique_ptr<SceneOracleVlm> MakeSceneOracleVlm(const std::filesystem::path& dir,
                                                   const SceneOracleOptions& options) {
  return std::make_unique<SceneOracleVlm>(GroundTruthStore::FromProject(dir), options);
}

}  // namespace autofocus::sim
