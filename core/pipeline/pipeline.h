#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/base/progress.h"
#include "core/dataset/project_store.h"
#include "core/detect/detector.h"
#include "core/pipeline/pipeline_options.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

// The stages of the method, in order. Each writes one artifact in the episode folder.
//   context      context.json       global context summary + vocabulary (VLM)
//   detect       detections.json    vocabulary detected on every frame
//   track        tracks.json        track IDs + sub-sequences
//   key_objects  key_objects.json   VLM key objects per sub-sequence, missing-category re-runs,
//                                   key boxes per frame
//   saliency     saliency.json      parameters + per-frame coverage (maps render on demand)
// Each artifact records `input_hash` (its parameters and its upstream's output), `output_hash`
// and provenance; a stage whose input hash is unchanged is not run again, so new saliency
// parameters re-render only, and a new vocabulary re-runs detection onwards.
extern const std::vector<std::string> kPipelineStages;

// The models a run talks to (usually wrapped by the exchange cache).
struct PipelineBackends {
  std::shared_ptr<VlmBackend> vlm;     // global context + key objects
  std::shared_ptr<Detector> detector;  // open-vocabulary detection
};

// What happened to one episode.
struct EpisodeOutcome {
  std::string episode;               // episode name
  bool ok = false;                   // every stage finished
  std::string failed_stage;          // the stage that failed (empty when ok)
  std::string error;                 // the failure message (empty when ok)
  std::vector<std::string> ran;      // stages computed in this run
  std::vector<std::string> skipped;  // stages whose results were already up to date
  int failed_frames = 0;             // frames whose detection failed (recorded empty, flagged)
  int undecided = 0;                 // sub-sequences without a usable VLM answer (kept for review)
};

// The result of PipelineController::Run.
struct PipelineReport {
  std::vector<EpisodeOutcome> episodes;  // in the order requested
  double seconds = 0;                    // wall time
  int Failed() const;                    // episodes that failed
  int FailedFrames() const;              // failed detection frames over all episodes
  int Undecided() const;                 // undecided sub-sequences over all episodes
  Json ToJson() const;
};

// Runs the AutoFocus-IL annotation pipeline (paper III-A, III-B) over episodes of a project:
// equidistant sampling -> global context + vocabulary -> detection on every frame -> tracking
// -> sub-sequences -> key objects on each sub-sequence's first frame with the expert action ->
// missing-category re-runs -> key boxes per frame -> saliency. Episodes run in parallel; model
// requests are issued from a pool of `request_workers` threads. A failing episode is recorded
// in its status.json and the others go on. Everything finished is on disk, so a killed run
// resumes where it stopped (answered model calls come from the exchange cache).
class PipelineController {
 public:
  PipelineController(ProjectStore& store, PipelineOptions options, PipelineBackends backends);
  ~PipelineController();

  // Processes `episodes` (names; empty = all). Throws Cancelled when `stop` fires (finished
  // stages stay on disk), Error for problems with the options; per-episode failures are in the
  // report, not thrown.
  PipelineReport Run(const std::vector<std::string>& episodes, const ProgressCallback& progress = {},
                     const StopCheck& stop = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Equidistant frame indices: floor(linspace(0, T-1, count)) as numpy does, deduplicated; all
// frames when count >= T; every stride-th frame when stride > 0.
std::vector<int> SampleFrameIndices(int num_frames, int count, int stride);

// The key boxes of every frame as stored in key_objects.json ("frames"[t]["objects"]), read back
// for saliency rendering, export and the studio.
std::vector<std::vector<Detection>> LoadKeyBoxes(const ProjectStore& store, const std::string& episode);

// Renders an episode's saliency maps from its key_objects artifact with `options` and returns
// the saliency.json artifact (parameters, per-frame coverage and peak, and the input hash the
// pipeline's saliency stage uses, so a later run keeps it). Used by the pipeline and by the
// studio's "Apply to project"; the caller saves it.
Json RenderSaliencyArtifact(const Episode& episode, const Json& key_objects,
                            const SaliencyOptions& options, int threads = 1,
                            const ProgressCallback& progress = {}, const StopCheck& stop = {});

// The status.json of an episode ({"stages":{...},"error":...}), or an empty object.
Json LoadEpisodeStatus(const ProjectStore& store, const std::string& episode);

}  // namespace autofocus
