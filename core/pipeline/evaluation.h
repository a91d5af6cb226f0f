#pragma once

#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/dataset/project_store.h"

namespace autofocus {

// Precision/recall counts of one comparison.
struct PrecisionRecall {
  long tp = 0;  // predicted boxes matching a ground-truth box (IoU >= 0.5, one to one)
  long fp = 0;  // predicted boxes matching nothing
  long fn = 0;  // ground-truth boxes nothing matched
  double Precision() const { return tp + fp > 0 ? static_cast<double>(tp) / (tp + fp) : 1.0; }
  double Recall() const { return tp + fn > 0 ? static_cast<double>(tp) / (tp + fn) : 1.0; }
  void Add(const PrecisionRecall& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
  }
};

// Annotation quality of one episode against the sample world's ground truth.
struct EpisodeEvaluation {
  std::string episode;         // episode name
  PrecisionRecall key_frames;  // key boxes of every frame vs objects relevant at that frame
  PrecisionRecall key_decisions;  // key boxes on each sub-sequence's first frame (where the VLM
                                  // decided) vs objects relevant there
  long idtp = 0, idfp = 0, idfn = 0;  // identity counts of tracks vs ground-truth objects
  double idf1 = 0;             // tracking IDF1 for this episode
  int subsequences = 0;        // sub-sequences in key_objects.json
  int reruns = 0;              // missing-category re-run iterations
  int frames = 0;              // frames of the episode
  int vlm_calls = 0;           // VLM questions: key objects (re-runs included) + the global
                               // context when this episode asked it (not shared from another)
  int failed_detections = 0;   // frames whose detection failed and were recorded empty
  int undecided = 0;           // sub-sequences the VLM gave no usable answer for
};

// The whole report of `autofocus evaluate-annotations`.
struct AnnotationEvaluation {
  std::vector<EpisodeEvaluation> episodes;  // evaluated episodes
  std::vector<std::string> skipped;         // episodes without pipeline results or ground truth
  PrecisionRecall key_frames;               // summed over episodes
  PrecisionRecall key_decisions;            // summed over episodes
  double idf1 = 0;                          // from summed identity counts
  long frames = 0;                          // frames of the evaluated episodes
  long vlm_calls = 0;                       // VLM questions over the evaluated episodes
  long subsequences = 0;                    // sub-sequences over the evaluated episodes
  long failed_detections = 0;               // failed detection frames over the episodes
  long undecided = 0;                       // undecided sub-sequences over the episodes
  // VLM questions per 100 frames (the annotation cost), 0 without frames.
  double VlmCallsPer100Frames() const { return frames ? 100.0 * vlm_calls / frames : 0.0; }
  // Sub-sequences per evaluated episode.
  double SubsequencesPerEpisode() const {
    return episodes.empty() ? 0.0 : static_cast<double>(subsequences) / episodes.size();
  }
  Json ToJson() const;
};

// Compares the pipeline's tracks and key objects with the ground truth a sample-world project
// carries (episodes/<name>/ground_truth.json). Tracking is scored against the ground-truth
// objects whose class was in the detection vocabulary. Throws Error when the project has no
// ground truth at all.
AnnotationEvaluation EvaluateAnnotations(const ProjectStore& store);

}  // namespace autofocus
