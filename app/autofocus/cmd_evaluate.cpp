// `autofocus evaluate-annotations PROJECT`: pipeline results vs sample-world ground truth.
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "core/pipeline/evaluation.h"

namespace autofocus::cli {
namespace {

struct EvalOptions {
  std::string project;  // project directory
  bool json = false;    // machine-readable output
};

int RunEvaluate(const EvalOptions& o) {
  const ProjectStore store = ProjectStore::Open(o.project);
  const AnnotationEvaluation eval = EvaluateAnnotations(store);
  if (o.json) {
    std::cout << eval.ToJson().dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-16s %8s %8s %8s %8s %6s %6s %7s %6s %6s\n", "episode", "key P", "key R", "first P",
              "first R", "IDF1", "subseq", "reruns", "calls", "failed");
  for (const auto& e : eval.episodes) {
    std::printf("%-16s %8.3f %8.3f %8.3f %8.3f %6.3f %6d %7d %6d %6d\n", e.episode.c_str(),
                e.key_frames.Precision(), e.key_frames.Recall(), e.key_decisions.Precision(),
                e.key_decisions.Recall(), e.idf1, e.subsequences, e.reruns, e.vlm_calls,
                e.failed_detections);
  }
  std::printf("%-16s %8.3f %8.3f %8.3f %8.3f %6.3f %6ld %7s %6ld %6ld\n", "all", eval.key_frames.Precision(),
              eval.key_frames.Recall(), eval.key_decisions.Precision(), eval.key_decisions.Recall(), eval.idf1,
              eval.subsequences, "", eval.vlm_calls, eval.failed_detections);
  std::printf("VLM calls per 100 frames: %.2f (global context included); sub-sequences per episode: %.1f\n",
              eval.VlmCallsPer100Frames(), eval.SubsequencesPerEpisode());
  if (eval.undecided > 0) std::printf("undecided sub-sequences (no usable VLM answer): %ld\n", eval.undecided);
  std::printf("key P/R: key boxes of every frame vs objects relevant at that frame; first P/R: the\n"
              "frame each sub-sequence's question showed, where the VLM decided. IoU >= 0.5, one to\n"
              "one. calls: VLM questions (key objects incl. re-runs, + the global context); failed:\n"
              "frames whose detection failed and were recorded empty.\n");
  if (!eval.skipped.empty()) std::printf("%zu episode(s) without results or ground truth skipped\n", eval.skipped.size());
  return kExitOk;
}

const bool kRegistered = RegisterCommand(45, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* sub = root.add_subcommand(
      "evaluate-annotations",
      "Key-object precision/recall and tracking IDF1 against ground truth (sample-world projects)");
  sub->add_option("PROJECT", o->project, "Project directory")->required();
  sub->add_flag("--json", o->json, "Print JSON");
  sub->callback([o, &action] { action = [o] { return RunEvaluate(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli
