#include "core/attention/attention_reference.h"

#include <algorithm>

#include "core/base/error.h"
#include "core/curation/edit_journal.h"
#include "core/saliency/saliency_renderer.h"
#include "core/sim/ground_truth.h"
#include "core/sim/renderer.h"
#include "core/train/train_data.h"

namespace autofocus {
namespace {

Box Scaled(const Box& b, double sx, double sy) {
  return {static_cast<float>(b.x1 * sx), static_cast<float>(b.y1 * sy),
          static_cast<float>(b.x2 * sx), static_cast<float>(b.y2 * sy)};
}

// A box centre as a fixation inside the map (a box touching the right/bottom edge has its
// centre strictly inside, a degenerate one is clamped).
Fixation Centre(const Box& b, int width, int height) {
  const double x = std::clamp(static_cast<double>(b.CenterX()), 0.0, width - 1e-3);
  const double y = std::clamp(static_cast<double>(b.CenterY()), 0.0, height - 1e-3);
  return {x, y};
}

// The project's saliency parameters at the map size (as TrainDataset uses them).
SaliencyOptions ProjectSaliency(const ProjectStore& store, int width, int height) {
  SaliencyOptions s;
  const ProjectInfo& info = store.info();
  if (info.settings.contains("saliency"))
    s = SaliencyOptions::FromJson(info.settings["saliency"],
                                  (store.root() / "project.json").string(), "settings.saliency");
  s.output_width = width;
  s.output_height = height;
  return s;
}

// Renders per-frame boxes (image pixels) with the project's saliency renderer.
void RenderBoxes(const ProjectStore& store, const Episode& ep,
                 const std::vector<std::vector<Box>>& boxes, ReferenceEpisode* r) {
  SaliencyRenderer renderer(ProjectSaliency(store, r->width, r->height), ep.width, ep.height);
  const size_t hw = static_cast<size_t>(r->width) * static_cast<size_t>(r->height);
  for (size_t t = 0; t < boxes.size(); ++t) renderer.RenderFrame(boxes, t, r->maps.data() + t * hw);
}

}  // namespace

const std::vector<std::string>& ReferenceKinds() {
  static const std::vector<std::string> kinds = {"saliency", "gaze", "ground-truth"};
  return kinds;
}

ReferenceEpisode BuildReference(const ProjectStore& store, const std::string& episode,
                                const std::string& kind, const TrainOptions& options, int width,
                                int height) {
  const Episode ep = store.LoadEpisode(episode);
  const size_t T = static_cast<size_t>(ep.num_frames);
  ReferenceEpisode r;
  r.kind = kind;
  r.width = width;
  r.height = height;
  r.maps.assign(T * static_cast<size_t>(width) * static_cast<size_t>(height), 0.f);
  r.fixations.resize(T);
  r.key_boxes.resize(T);
  r.distractor_boxes.resize(T);
  const double sx = static_cast<double>(width) / ep.width,
               sy = static_cast<double>(height) / ep.height;

  // Key boxes (curated, as training sees them) are used by every reference for attention mass.
  std::vector<std::vector<Box>> key_image(T);
  if (store.HasArtifact(episode, "key_objects")) {
    const auto curated = LoadCuratedEpisode(store, episode).AllKeyBoxes();
    for (size_t t = 0; t < T && t < curated.size(); ++t)
      for (const auto& d : curated[t]) key_image[t].push_back(d.box);
  } else if (kind == "saliency") {
    throw Error(store.ArtifactPath(episode, "key_objects").string(), "",
                "missing: the saliency reference needs the pipeline's key objects (run `autofocus "
                "run` first, or use --reference gaze|ground-truth)");
  }
  for (size_t t = 0; t < T; ++t)
    for (const Box& b : key_image[t]) r.key_boxes[t].push_back(Scaled(b, sx, sy));

  // Ground truth, when the sample world wrote it: distractors and the confound icon region.
  const bool has_gt = store.HasArtifact(episode, sim::kGroundTruthArtifact);
  std::vector<std::vector<Box>> relevant_image(T);
  if (has_gt) {
    const auto file = store.ArtifactPath(episode, sim::kGroundTruthArtifact);
    const auto gt = sim::EpisodeGroundTruth::FromJson(LoadJsonFile(file), file.string());
    for (const auto& f : gt.frames) {
      if (f.index < 0 || static_cast<size_t>(f.index) >= T) continue;
      for (const auto& o : f.objects) {
        if (o.relevant)
          relevant_image[static_cast<size_t>(f.index)].push_back(o.box);
        else
          r.distractor_boxes[static_cast<size_t>(f.index)].push_back(Scaled(o.box, sx, sy));
      }
    }
    if (gt.confounded) {
      // The icons sit at the top centre: the brake dot, the up arrow (rows 20-42 at 320x180)
      // and the steer arrow (at most 64 px long), plus the line thickness.
      const sim::IconGeometry g = sim::ConfoundIconGeometry(ep.width, ep.height);
      const double cx = ep.width / 2.0, s = g.scale;
      r.icon_region = Scaled(Box{static_cast<float>(cx - 36 * s), 0.f,
                                 static_cast<float>(cx + 36 * s), static_cast<float>(46 * s)},
                             sx, sy);
    }
  } else if (kind == "ground-truth") {
    throw Error(store.ArtifactPath(episode, sim::kGroundTruthArtifact).string(), "",
                "missing: the ground-truth reference exists only for sample-world episodes");
  }

  if (kind == "saliency") {
    RenderBoxes(store, ep, key_image, &r);
    for (size_t t = 0; t < T; ++t)
      for (const Box& b : r.key_boxes[t]) r.fixations[t].push_back(Centre(b, width, height));
  } else if (kind == "ground-truth") {
    RenderBoxes(store, ep, relevant_image, &r);
    for (size_t t = 0; t < T; ++t)
      for (const Box& b : relevant_image[t])
        r.fixations[t].push_back(Centre(Scaled(b, sx, sy), width, height));
  } else if (kind == "gaze") {
    if (ep.gaze.empty())
      throw Error((store.EpisodeDir(episode) / "episode.json").string(), "gaze",
                  "the episode has no gaze points (use --reference saliency|ground-truth)");
    const size_t hw = static_cast<size_t>(width) * static_cast<size_t>(height);
    for (size_t t = 0; t < T; ++t) {
      RenderGazeMap(ep.gaze, static_cast<int>(t), options, width, height, r.maps.data() + t * hw);
      if (t < ep.gaze.size())
        for (const GazePoint& p : ep.gaze[t])
          if (p[0] >= 0 && p[0] < 1 && p[1] >= 0 && p[1] < 1)
            r.fixations[t].push_back({p[0] * width, p[1] * height});
    }
  } else {
    throw Error("", "reference",
                "unknown reference \"" + kind + "\" (saliency, gaze, ground-truth)");
  }
  return r;
}

}  // namespace autofocus
