// `autofocus info PROJECT [--json]`: a summary of a project.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "core/dataset/project_store.h"

namespace autofocus::cli {
namespace {

struct InfoOptions {
  std::string project;  // project directory
  bool json = false;    // machine-readable output
};

int RunInfo(const InfoOptions& o) {
  const ProjectStore store = ProjectStore::Open(o.project);
  const ProjectInfo& info = store.info();
  int64_t frames = 0;
  for (const auto& e : info.episodes) frames += e.num_frames;
  if (o.json) {
    Json eps = Json::array();
    for (const auto& e : info.episodes) eps.push_back({{"name", e.name}, {"frames", e.num_frames}});
    Json out = {{"name", info.name},
                {"schema_version", info.schema_version},
                {"importer", info.importer},
                {"source_root", info.source_root},
                {"episodes", info.episodes.size()},
                {"frames", frames},
                {"action_names", info.action_spec.Names()},
                {"action_kind", info.action_spec.kind == ActionSpec::Kind::kContinuous ? "continuous" : "discrete"},
                {"image_width", info.image_width},
                {"image_height", info.image_height},
                {"episode_list", eps}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Project       " << info.name << "  (" << store.root().string() << ")\n"
            << "Schema        " << info.schema_version << "\n"
            << "Imported by   " << info.importer << " on " << info.created << "\n"
            << "Frames from   " << store.SourceRoot().string() << "\n"
            << "Episodes      " << info.episodes.size() << "\n"
            << "Frames        " << frames << "\n"
            << "Image size    " << info.image_width << " x " << info.image_height << "\n"
            << "Actions       ";
  const auto names = info.action_spec.Names();
  for (size_t i = 0; i < names.size(); ++i) std::cout << (i ? ", " : "") << names[i];
  std::cout << "  (" << (info.action_spec.kind == ActionSpec::Kind::kContinuous ? "continuous" : "discrete") << ")\n";
  const size_t shown = std::min<size_t>(info.episodes.size(), 10);
  for (size_t i = 0; i < shown; ++i) {
    std::cout << "  " << info.episodes[i].name << "  " << info.episodes[i].num_frames << " frames\n";
  }
  if (shown < info.episodes.size()) std::cout << "  ... and " << info.episodes.size() - shown << " more\n";
  return kExitOk;
}

const bool kRegistered = RegisterCommand(20, [](CLI::App& root, Action& action) {
  auto o = std::make_shared<InfoOptions>();
  CLI::App* sub = root.add_subcommand("info", "Summarise a project (episodes, frames, actions)");
  sub->add_option("PROJECT", o->project, "Project directory")->required();
  sub->add_flag("--json", o->json, "Print a JSON object instead of text");
  sub->callback([o, &action] { action = [o] { return RunInfo(*o); }; });
});

}  // namespace
}  // namespace autofocus::cli
