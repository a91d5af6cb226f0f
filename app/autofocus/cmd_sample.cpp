// `autofocus sample folder OUT`: writes a small synthetic folder dataset (for demos and tests).
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/importers/sample_dataset.h"

namespace autofocus::cli {
namespace {

const bool kRegistered = RegisterCommand(50, [](CLI::App& root, Action& action) {
  CLI::App* sample = root.add_subcommand("sample", "Write synthetic sample datasets");
  sample->require_subcommand(1);
  auto o = std::make_shared<SampleFolderOptions>();
  CLI::App* f = sample->add_subcommand(
      "folder", "Write OUT/episode_<k>/ frames (or one video) + actions.csv (throttle,steer,brake)");
  f->add_option("OUT", o->out, "Folder to create (must not exist)")->required();
  f->add_option("--episodes", o->episodes, "Number of episodes")->capture_default_str();
  f->add_option("--frames", o->frames, "Frames per episode")->capture_default_str();
  f->add_option("--width", o->width, "Frame width in pixels")->capture_default_str();
  f->add_option("--height", o->height, "Frame height in pixels")->capture_default_str();
  f->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  f->add_flag("--video", o->video, "One MJPG episode.avi per episode instead of PNG frames");
  f->add_option("--threads", o->threads, "Writer threads (0 = hardware threads)")
      ->check(CLI::NonNegativeNumber);
  f->callback([o, &action] {
    action = [o] {
      ConsoleProgress bar;
      WriteSampleFolder(*o, bar.Callback());
      bar.Finish();
      std::cout << "Wrote " << o->episodes << " episodes x " << o->frames << " frames to "
                << o->out.string() << "\n";
      return kExitOk;
    };
  });
});

}  // namespace
}  // namespace autofocus::cli
