// `autofocus saliency render BOXES.json --out MAPS.npy [options]`: temporal multi-peak saliency
// maps (paper Eq. 1) from key boxes or points, e.g. detector output or GABRIL gaze points.
// `autofocus saliency compare PRED.npy REF.npy [--fixations F.json] [--json]`: MIT-benchmark
// metrics (core/attention/saliency_metrics.h) of any two [T, H, W] map stacks.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/attention/saliency_metrics.h"
#include "core/base/error.h"
#include "core/base/npy.h"
#include "core/saliency/saliency_renderer.h"

namespace autofocus::cli {
namespace {

struct RenderArgs {
  std::string input;            // BOXES.json
  std::string out;              // MAPS.npy
  SaliencyOptions options;      // map parameters; CLI flags fill it
  std::string sigma0 = "auto";  // "auto" or pixels
  std::string delta = "auto";   // "auto" or pixels
  std::string growth = "geometric";
  std::string kernel = "isotropic";
  std::string empty = "zero";
  int threads = 0;  // 0 = all hardware threads
};

// Accepts "auto" or a number; CLI11 turns a failure into a usage error (exit 2).
const CLI::Validator kAutoOrNumber(
    [](std::string& s) -> std::string {
      if (s == "auto") return {};
      char* end = nullptr;
      std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') return "expected a number of pixels or \"auto\", got " + s;
      return {};
    },
    "PIXELS|auto");

std::optional<double> AutoOrNumber(const std::string& s) {
  if (s == "auto") return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

int RunRender(RenderArgs a) {
  SaliencyOptions& o = a.options;
  o.sigma0 = AutoOrNumber(a.sigma0);
  o.delta = AutoOrNumber(a.delta);
  // The names were validated by CLI11 (IsMember), so these parses succeed.
  ParseSigmaGrowth(a.growth, &o.sigma_growth);
  ParseSaliencyKernel(a.kernel, &o.kernel);
  ParseEmptyPolicy(a.empty, &o.empty);
  try {
    o.Check();
  } catch (const Error& e) {
    // An out-of-range flag is a command-line mistake, not a failed job.
    std::cerr << "error: --" << e.where() << ": " << e.reason()
              << "\nRun with --help for more information.\n";
    return kExitUsage;
  }
  if (a.threads < 0) {
    std::cerr << "error: --threads: must be >= 0 (0 = all cores)\n";
    return kExitUsage;
  }
  // Everything is validated and rendered in memory first; the .npy is written atomically at
  // the end, so a bad input never leaves a partial or empty output file behind.
  const SaliencyInput input = LoadSaliencyInput(a.input);
  const int w = o.OutputWidth(input.image_width), h = o.OutputHeight(input.image_height);
  ConsoleProgress progress;
  const std::vector<float> maps = RenderSaliencyEpisode(input, o, a.threads, progress.Callback());
  progress.Finish();
  const int64_t frames = static_cast<int64_t>(input.frames.size());
  WriteNpyFloat32(a.out, {frames, h, w}, maps.data(), maps.size());
  std::cout << "wrote " << a.out << ": " << frames << " x " << h << " x " << w << " float32 ("
            << o.ToJson().dump() << ")\n";
  return kExitOk;
}

struct CompareArgs {
  std::string pred, ref;  // PRED.npy, REF.npy
  std::string fixations;  // F.json, may be empty
  bool json = false;      // print the JSON report
};

// A [T, H, W] stack; Error naming the file for another rank or an empty map.
NpyArray LoadStack(const std::string& file) {
  NpyArray a = ReadNpyAsFloat32(file);
  if (a.shape.size() != 3)
    throw Error(file, "shape",
                "must be [T, H, W] (got " + std::to_string(a.shape.size()) + " dimensions)");
  if (a.shape[0] < 1 || a.shape[1] < 1 || a.shape[2] < 1)
    throw Error(file, "shape", "every dimension must be at least 1");
  if (a.shape[1] * a.shape[2] < 2) throw Error(file, "shape", "a map needs at least 2 pixels");
  return a;
}

std::string Format(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *v);
  return buf;
}

int RunCompare(const CompareArgs& a) {
  const NpyArray pred = LoadStack(a.pred), ref = LoadStack(a.ref);
  if (pred.shape != ref.shape) {
    auto shape = [](const NpyArray& x) {
      return std::to_string(x.shape[0]) + " x " + std::to_string(x.shape[1]) + " x " +
             std::to_string(x.shape[2]);
    };
    throw Error(a.ref, "shape",
                "is " + shape(ref) + " but " + a.pred + " is " + shape(pred) +
                    " (resample one map stack to the other's size first)");
  }
  const int64_t T = pred.shape[0];
  const int H = static_cast<int>(pred.shape[1]), W = static_cast<int>(pred.shape[2]);
  const int64_t hw = static_cast<int64_t>(H) * W;
  CheckMapStack(pred.data.data(), T, hw, a.pred);
  CheckMapStack(ref.data.data(), T, hw, a.ref);
  std::vector<std::vector<Fixation>> fix;
  if (!a.fixations.empty()) {
    fix = LoadFixations(a.fixations, T);
    // Validated up front so a bad point names the file and entry.
    for (int64_t t = 0; t < T; ++t)
      FixationPixels(fix[static_cast<size_t>(t)], W, H, a.fixations, "[" + std::to_string(t) + "]");
  }
  std::vector<FrameMetrics> frames;
  for (int64_t t = 0; t < T; ++t) {
    frames.push_back(ComputeFrameMetrics(pred.data.data() + t * hw, ref.data.data() + t * hw, W, H,
                                         fix.empty() ? nullptr : &fix[static_cast<size_t>(t)],
                                         static_cast<uint64_t>(t) + 1));
  }
  const Json report = MetricsReportJson(frames);
  if (a.json) {
    std::cout << report.dump() << "\n";
    return kExitOk;
  }
  std::cout << "frame      nss       cc       kl      sim auc_judd\n";
  auto row = [](const std::string& name, const Json& j) {
    auto get = [&](const char* k) {
      return j[k].is_null() ? std::optional<double>() : std::optional<double>(j[k].get<double>());
    };
    char buf[128];
    std::snprintf(buf, sizeof buf, "%-6s %8s %8s %8s %8s %8s\n", name.c_str(),
                  Format(get("nss")).c_str(), Format(get("cc")).c_str(), Format(get("kl")).c_str(),
                  Format(get("sim")).c_str(), Format(get("auc_judd")).c_str());
    return std::string(buf);
  };
  for (size_t t = 0; t < report["frames"].size(); ++t)
    std::cout << row(std::to_string(t), report["frames"][t]);
  std::cout << row("mean", report["mean"]);
  if (fix.empty()) std::cout << "(nss and auc_judd need --fixations)\n";
  return kExitOk;
}

const bool kRegistered = RegisterCommand(40, [](CLI::App& root, Action& action) {
  CLI::App* sal = root.add_subcommand("saliency", "Temporal multi-peak saliency maps (Eq. 1)");
  sal->require_subcommand(1);
  auto a = std::make_shared<RenderArgs>();
  CLI::App* sub = sal->add_subcommand(
      "render", "Render maps from key boxes/points to a float32 .npy [T, H, W]");
  sub->add_option("BOXES", a->input,
                  "JSON {\"width\":W,\"height\":H,\"frames\":[{\"objects\":[{\"box\":[x1,y1,x2,y2]}"
                  "|{\"point\":[x,y]}]}]} in pixels of a W x H image")
      ->required();
  sub->add_option("--out", a->out, "Output .npy file (float32, shape [T, H_out, W_out])")
      ->required();
  SaliencyOptions& o = a->options;
  sub->add_option("--width", o.output_width, "Map width in pixels (default: image width)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--height", o.output_height, "Map height in pixels (default: image height)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--sigma0", a->sigma0,
                  "Base sigma in image pixels, or auto = 0.094 x image width")
      ->check(kAutoOrNumber)
      ->capture_default_str();
  sub->add_option("--sigma-growth", a->growth,
                  "geometric (sigma0/beta^k) or linear (sigma0+k*delta)")
      ->check(CLI::IsMember({"geometric", "linear"}))
      ->capture_default_str();
  sub->add_option("--beta", o.beta, "Geometric growth factor in (0, 1]")->capture_default_str();
  sub->add_option("--delta", a->delta, "Linear growth step in pixels, or auto = sigma0 / 4")
      ->check(kAutoOrNumber)
      ->capture_default_str();
  sub->add_option("--decay", o.decay, "Temporal decay gamma in (0, 1]")->capture_default_str();
  sub->add_option("--window", o.window, "Window K in frames (1 = non-temporal)")
      ->capture_default_str();
  sub->add_option("--kernel", a->kernel, "isotropic (paper) or box (aspect of the box)")
      ->check(CLI::IsMember({"isotropic", "box"}))
      ->capture_default_str();
  sub->add_option("--box-max-aspect", o.box_max_aspect, "Box kernel: aspect ratio clamp (>= 1)")
      ->capture_default_str();
  sub->add_option("--empty", a->empty, "Map of a frame with no object in its window: zero|uniform")
      ->check(CLI::IsMember({"zero", "uniform"}))
      ->capture_default_str();
  sub->add_option("--threads", a->threads, "Worker threads (0 = all cores)")->capture_default_str();
  sub->callback([a, &action] { action = [a] { return RunRender(*a); }; });

  auto c = std::make_shared<CompareArgs>();
  CLI::App* cmp = sal->add_subcommand(
      "compare",
      "Saliency metrics (NSS, CC, KL, SIM, AUC-Judd; MIT benchmark) of PRED against REF");
  cmp->add_option("PRED", c->pred, "Predicted maps, .npy float [T, H, W] (non-negative)")
      ->required();
  cmp->add_option("REF", c->ref, "Reference maps, .npy of the same shape (the KL distribution)")
      ->required();
  cmp->add_option("--fixations", c->fixations,
                  "JSON list, one entry per frame, each a list of [x, y] pixels (x = column); "
                  "needed by NSS and AUC-Judd");
  cmp->add_flag("--json", c->json,
                "Print {\"frames\":[{\"nss\",\"cc\",\"kl\",\"sim\",\"auc_judd\"}...],"
                "\"mean\":{...}} (null = needs fixations)");
  cmp->callback([c, &action] { action = [c] { return RunCompare(*c); }; });
});

}  // namespace
}  // namespace autofocus::cli
