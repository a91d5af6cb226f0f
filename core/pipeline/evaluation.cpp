#include "core/pipeline/evaluation.h"

#include <set>

#include "core/base/error.h"
#include "core/pipeline/pipeline.h"
#include "core/sim/ground_truth.h"
#include "core/track/track_eval.h"

namespace autofocus {
namespace {

PrecisionRecall CountFrames(const std::vector<std::vector<Detection>>& predicted,
                            const std::vector<std::vector<Detection>>& truth) {
  const TrackEvalResult r = EvaluateTracking(predicted, truth);
  PrecisionRecall pr;
  pr.tp = r.tp;
  pr.fp = r.fp;
  pr.fn = r.fn;
  return pr;
}

Json PrJson(const PrecisionRecall& p) {
  return {{"tp", p.tp}, {"fp", p.fp}, {"fn", p.fn}, {"precision", p.Precision()}, {"recall", p.Recall()}};
}

std::vector<std::vector<Detection>> ReadFrames(const Json& frames, const char* field) {
  std::vector<std::vector<Detection>> out;
  for (const Json& f : frames) {
    std::vector<Detection> v;
    for (const Json& d : f.at(field)) {
      Detection det;
      const Json& b = d.at("box");
      det.box = {b.at(0).get<float>(), b.at(1).get<float>(), b.at(2).get<float>(), b.at(3).get<float>()};
      det.label = d.value("label", "");
      det.id = d.value("id", -1);
      v.push_back(det);
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

Json AnnotationEvaluation::ToJson() const {
  Json eps = Json::array();
  for (const auto& e : episodes) {
    eps.push_back({{"episode", e.episode},
                   {"key_objects", PrJson(e.key_frames)},
                   {"key_decisions", PrJson(e.key_decisions)},
                   {"idf1", e.idf1},
                   {"subsequences", e.subsequences},
                   {"reruns", e.reruns},
                   {"frames", e.frames},
                   {"vlm_calls", e.vlm_calls},
                   {"failed_detections", e.failed_detections},
                   {"undecided", e.undecided}});
  }
  return {{"episodes", eps},
          {"skipped", skipped},
          {"key_objects", PrJson(key_frames)},
          {"key_decisions", PrJson(key_decisions)},
          {"idf1", idf1},
          {"frames", frames},
          {"vlm_calls", vlm_calls},
          {"vlm_calls_per_100_frames", VlmCallsPer100Frames()},
          {"subsequences", subsequences},
          {"subsequences_per_episode", SubsequencesPerEpisode()},
          {"failed_detections", failed_detections},
          {"undecided", undecided}};
}

AnnotationEvaluation EvaluateAnnotations(const ProjectStore& store) {
  AnnotationEvaluation out;
  long idtp = 0, idfp = 0, idfn = 0;
  bool any_truth = false;
  for (const auto& entry : store.info().episodes) {
    const std::string& ep = entry.name;
    if (!store.HasArtifact(ep, sim::kGroundTruthArtifact)) {
      out.skipped.push_back(ep);
      continue;
    }
    any_truth = true;
    if (!store.HasArtifact(ep, "key_objects") || !store.HasArtifact(ep, "tracks")) {
      out.skipped.push_back(ep);
      continue;
    }
    const std::string gt_file = store.ArtifactPath(ep, sim::kGroundTruthArtifact).string();
    const auto gt = sim::EpisodeGroundTruth::FromJson(store.LoadArtifact(ep, sim::kGroundTruthArtifact), gt_file);
    const Json keys = store.LoadArtifact(ep, "key_objects");
    const Json tracks = store.LoadArtifact(ep, "tracks");
    const Json detections = store.LoadArtifact(ep, "detections");

    std::set<std::string> vocab;
    for (const Json& v : detections.at("result").at("vocabulary")) vocab.insert(v.get<std::string>());
    std::vector<std::vector<Detection>> relevant(gt.frames.size()), visible(gt.frames.size());
    for (size_t t = 0; t < gt.frames.size(); ++t) {
      for (const auto& o : gt.frames[t].objects) {
        Detection d;
        d.box = o.box;
        d.label = o.cls;
        d.id = o.id;
        if (o.relevant) relevant[t].push_back(d);
        if (vocab.count(o.cls)) visible[t].push_back(d);
      }
    }
    const auto key_frames = ReadFrames(keys.at("frames"), "objects");
    if (key_frames.size() != gt.frames.size()) {
      throw Error(store.ArtifactPath(ep, "key_objects").string(), "frames",
                  "has " + std::to_string(key_frames.size()) + " frames, ground truth has " +
                      std::to_string(gt.frames.size()));
    }
    EpisodeEvaluation e;
    e.episode = ep;
    e.key_frames = CountFrames(key_frames, relevant);
    // Decision level: only the first frame of each sub-sequence, where the VLM was asked.
    std::vector<std::vector<Detection>> pred_first, truth_first;
    for (const Json& s : keys.at("segments")) {
      // The frame the question showed ("frame"; older artifacts asked on "start").
      const size_t f = s.value("frame", s.at("start").get<size_t>());
      pred_first.push_back(key_frames[f]);
      truth_first.push_back(relevant[f]);
      e.reruns += s.value("reruns", 0);
      e.vlm_calls += static_cast<int>(s.value("iterations", Json::array()).size());
      if (s.value("status", "ok") == "undecided") ++e.undecided;
      ++e.subsequences;
    }
    // At episode vocabulary scope, questions asked in earlier rounds whose sub-sequences changed
    // were paid for too: the artifact counts every question.
    if (keys.contains("questions")) e.vlm_calls = keys.at("questions").get<int>();
    e.frames = static_cast<int>(gt.frames.size());
    if (store.HasArtifact(ep, "context") && store.LoadArtifact(ep, "context").value("shared_from", Json()).is_null()) {
      ++e.vlm_calls;
    }
    e.failed_detections = static_cast<int>(detections.at("result").value("failed_frames", Json::array()).size());
    e.key_decisions = CountFrames(pred_first, truth_first);
    const TrackEvalResult tr = EvaluateTracking(ReadFrames(tracks.at("result").at("frames"), "detections"), visible);
    e.idtp = tr.idtp;
    e.idfp = tr.idfp;
    e.idfn = tr.idfn;
    e.idf1 = tr.idf1;
    idtp += tr.idtp;
    idfp += tr.idfp;
    idfn += tr.idfn;
    out.frames += e.frames;
    out.vlm_calls += e.vlm_calls;
    out.subsequences += e.subsequences;
    out.failed_detections += e.failed_detections;
    out.undecided += e.undecided;
    out.key_frames.Add(e.key_frames);
    out.key_decisions.Add(e.key_decisions);
    out.episodes.push_back(std::move(e));
  }
  if (!any_truth) {
    throw Error(store.root().string(), "ground_truth", "project has no ground truth (only sample-world projects do)");
  }
  out.idf1 = 2 * idtp + idfp + idfn > 0 ? 2.0 * idtp / static_cast<double>(2 * idtp + idfp + idfn) : 1.0;
  return out;
}

}  // namespace autofocus
