// `autofocus export PROJECT --format F --out PATH ...`: a (curated) project in a format other
// trainers and annotation tools read.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/export/export.h"

namespace autofocus::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct ExportCli {
  std::string project;          // project directory
  ExportOptions options;        // the one options struct (the studio binds the same)
  std::string out;              // --out
  std::string episodes;         // comma-separated names
  std::string progress = "bar";  // bar | json | none
  bool json = false;            // print the summary as JSON
};

int RunExportCommand(ExportCli c) {
  c.options.out = c.out;
  for (const auto& n : Split(c.episodes, ',')) {
    if (!Trim(n).empty()) c.options.episodes.push_back(Trim(n));
  }
  c.options.Check();  // a bad flag fails before anything is read
  const ProjectStore store = ProjectStore::Open(c.project);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  ConsoleProgress bar;
  ProgressCallback cb;
  if (c.progress == "bar") {
    cb = bar.Callback();
  } else if (c.progress == "json") {
    cb = [](const Progress& p) {
      std::cout << Json{{"event", "progress"}, {"stage", p.stage}, {"episode", p.item}, {"done", p.done},
                        {"total", p.total}}.dump()
                << std::endl;
    };
  }
  ExportSummary s;
  try {
    s = RunExport(store, c.options, cb, [] { return g_stop.load(); });
  } catch (const Cancelled&) {
    bar.Finish();
    std::cerr << "interrupted: nothing was written to " << c.out << "\n";
    return 130;
  }
  bar.Finish();
  // Damaged episodes were left out and the rest exported: the export is usable, but a script
  // must notice, hence exit 1 (as `run` does when an episode failed).
  const int rc = s.damaged_episodes.empty() ? kExitOk : kExitFailure;
  for (const auto& [name, error] : s.damaged_episodes)
    std::cerr << "skipped damaged episode " << name << ": " << error << "\n";
  if (c.json || c.progress == "json") {
    Json j = s.ToJson();
    j["event"] = "done";
    std::cout << j.dump() << std::endl;
    return rc;
  }
  std::printf("Exported %d episode(s), %ld frame(s) as %s to %s in %.1f s (%zu files, read back and checked)\n",
              s.episodes, s.frames, s.format.c_str(), s.out.c_str(), s.seconds, s.files.size());
  if (!s.excluded_episodes.empty() || s.excluded_frames > 0) {
    std::string eps;
    for (const auto& e : s.excluded_episodes) eps += (eps.empty() ? "" : ", ") + e;
    std::printf("  left out by curation: %zu episode(s)%s%s, %ld frame(s) of the exported episodes\n",
                s.excluded_episodes.size(), eps.empty() ? "" : ": ", eps.c_str(), s.excluded_frames);
  }
  std::printf("  provenance: %s\n",
              (s.format == "robomimic" ? s.out.string() + ".manifest.json" : (s.out / "manifest.json").string()).c_str());
  if (!s.damaged_episodes.empty())
    std::printf("  skipped %zu damaged episode(s) (see above; `autofocus validate --repair`)\n",
                s.damaged_episodes.size());
  return rc;
}

const bool kRegistered = RegisterCommand(50, [](CLI::App& root, Action& action) {
  auto c = std::make_shared<ExportCli>();
  CLI::App* sub = root.add_subcommand(
      "export", "Export a (curated) project: robomimic HDF5, folders, COCO, MOT, CVAT video, YOLO, LeRobot v3.0");
  sub->add_option("PROJECT", c->project, "Project directory")->required();
  sub->add_option("--format", c->options.format, "robomimic, folder, coco, mot, cvat-video, yolo or lerobot")
      ->required();
  sub->add_option("--out", c->out, "File (robomimic) or folder to create")->required();
  sub->add_option("--episodes", c->episodes, "Comma-separated episode names (default: all)");
  sub->add_flag("--curated", c->options.curated,
                "Apply the studio's curation: excluded episodes/frames left out, edits applied, flags kept");
  sub->add_option("--saliency", c->options.saliency, "maps, points or none")->capture_default_str();
  sub->add_option("--split-seed", c->options.split_seed, "Seed of the train/valid split by episode")
      ->capture_default_str();
  sub->add_option("--valid-share", c->options.valid_share, "Share of episodes in the validation split")
      ->capture_default_str();
  sub->add_option("--compress", c->options.compress, "gzip or none (robomimic images); lerobot Parquet: also snappy, zstd")->capture_default_str();
  sub->add_option("--image-key", c->options.image_key, "robomimic obs key / lerobot camera name of the frames")
      ->capture_default_str();
  sub->add_option("--video-codec", c->options.video_codec, "lerobot MP4 codec: h264 or av1")->capture_default_str();
  sub->add_option("--fps", c->options.fps, "lerobot frame rate (0: the episodes' own, else 10)")->capture_default_str();
  sub->add_flag("--force", c->options.force, "Replace an existing --out");
  sub->add_option("--progress", c->progress, "bar, json or none")->check(CLI::IsMember({"bar", "json", "none"}));
  sub->add_flag("--json", c->json, "Print the summary as JSON");
  sub->callback([c, &action] { action = [c] { return RunExportCommand(*c); }; });
});

}  // namespace
}  // namespace autofocus::cli
