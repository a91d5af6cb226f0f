#include "core/experiment/experiment_options.h"

#include <set>

#include "core/base/error.h"

namespace autofocus {

ExperimentOptions ExperimentOptions::Preset(const std::string& name) {
  ExperimentOptions o;
  o.preset = name;
  if (name == "quick") {
    // Sized to finish within 30 minutes on 2 cores (docs/evaluation.md has the measured time).
    return o;
  }
  if (name == "tiny") {
    // CI-sized: every stage runs, nothing is meaningful.
    o.seeds = 1;
    o.episodes = 3;
    o.frames = 20;
    o.input_height = 36;
    o.input_width = 64;
    o.epochs = 1;
    o.batch = 16;
    o.routes_seen = 1;
    o.routes_unseen = 1;
    o.eval_seeds_seen = "0";
    o.eval_seeds_unseen = "0";
    o.episode_steps = 30;
    o.route_length = 20;  // evaluate-policy's minimum
    o.strip_frames = 3;
    return o;
  }
  if (name == "paper") {
    // The paper's CARLA sizes: 10 routes x 20 demonstrations, 2 seeds per seen route and 4 per
    // unseen route, full-size input; the GABRIL reference's epochs.
    o.episodes = 200;
    o.frames = 300;
    o.input_height = 180;
    o.input_width = 320;
    o.epochs = 500;
    o.batch = 128;
    o.routes_seen = 10;
    o.routes_unseen = 5;
    o.eval_seeds_seen = "0,1";
    o.eval_seeds_unseen = "0-3";
    o.episode_steps = 2000;
    o.route_length = 300;
    return o;
  }
  throw Error("", "--preset", "unknown experiment preset \"" + name + "\" (tiny, quick, paper)");
}

void ExperimentOptions::ApplyAblation() {
  methods.clear();
  if (ablation == "none") {
    methods = {{"bc", "BC", "none", "none", 1.0, 0},
               {"gabril", "GABRIL (simulated gaze)", "gabril_mse", "gaze", 1.0, 0},
               {"autofocus", "AutoFocus-IL", "gabril_mse", "vlm", 1.0, 0},
               {"autofocus_l1", "AutoFocus-IL (L1 outside, Eq. 2)", "l1_outside", "vlm", 1.0, 0}};
  } else if (ablation == "temporal") {
    methods = {
        {"autofocus", "AutoFocus-IL (temporal, window 4)", "gabril_mse", "vlm", 1.0, 0},
        {"autofocus_w1", "AutoFocus-IL (non-temporal, window 1)", "gabril_mse", "vlm", 1.0, 1}};
  } else if (ablation == "fraction") {
    for (int pct : {0, 10, 25, 50, 75, 100}) {
      methods.push_back({"autofocus_f" + std::to_string(pct),
                         "AutoFocus-IL, " + std::to_string(pct) + " % regularised", "gabril_mse",
                         "vlm", pct / 100.0, 0});
    }
  } else {
    throw Error("", "--ablation",
                "unknown ablation \"" + ablation + "\" (none, temporal, fraction)");
  }
}

void ExperimentOptions::Check() const {
  if (out.empty()) throw Error("", "--out", "an experiment folder is required");
  if (methods.empty()) throw Error("", "--ablation", "no methods (call ApplyAblation)");
  std::set<std::string> seen_settings;
  for (const auto& s : settings) {
    if (s != "original" && s != "confounded")
      throw Error("", "--settings", "unknown setting \"" + s + "\" (original, confounded)");
    if (!seen_settings.insert(s).second) throw Error("", "--settings", "\"" + s + "\" twice");
  }
  if (settings.empty()) throw Error("", "--settings", "at least one setting");
  auto at_least = [](int v, int min, const char* field) {
    if (v < min)
      throw Error("", field, "must be >= " + std::to_string(min) + ", got " + std::to_string(v));
  };
  at_least(seeds, 1, "--seeds");
  at_least(jobs, 1, "--jobs");
  at_least(threads, 1, "--threads");
  at_least(episodes, 2, "--episodes");  // training holds one episode out for validation
  at_least(frames, 2, "--frames");
  at_least(input_height, 36, "--input-size");
  at_least(input_width, 64, "--input-size");
  at_least(epochs, 1, "--epochs");
  at_least(batch, 1, "--batch");
  at_least(routes_seen, 1, "--routes-seen");
  at_least(routes_unseen, 1, "--routes-unseen");
  at_least(episode_steps, 11, "--episode-steps");  // more than the 10 no-op steps
  at_least(strip_frames, 1, "--strip-frames");
  if (!(route_length > 0)) throw Error("", "--route-length", "must be > 0");
  if (eval_seeds_seen.empty()) throw Error("", "--eval-seeds-seen", "empty seed list");
  if (eval_seeds_unseen.empty()) throw Error("", "--eval-seeds-unseen", "empty seed list");
}

Json ExperimentOptions::ToJson() const {
  Json m = Json::array();
  for (const auto& x : methods) {
    m.push_back({{"name", x.name},
                 {"label", x.label},
                 {"regularizer", x.regularizer},
                 {"target", x.target},
                 {"fraction", x.fraction},
                 {"saliency_window", x.saliency_window}});
  }
  return {{"preset", preset},
          {"ablation", ablation},
          {"methods", m},
          {"settings", settings},
          {"seeds", seeds},
          {"jobs", jobs},
          {"threads", threads},
          {"episodes", episodes},
          {"frames", frames},
          {"world_seed", world_seed},
          {"run_args", run_args},
          {"input_height", input_height},
          {"input_width", input_width},
          {"epochs", epochs},
          {"batch", batch},
          {"routes_seen", routes_seen},
          {"routes_unseen", routes_unseen},
          {"eval_seeds_seen", eval_seeds_seen},
          {"eval_seeds_unseen", eval_seeds_unseen},
          {"episode_steps", episode_steps},
          {"route_length", route_length},
          {"strip_frames", strip_frames}};
}

}  // namespace autofocus
