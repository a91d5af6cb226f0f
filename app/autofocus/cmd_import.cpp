// `autofocus import folder ROOT --out PROJECT` and `autofocus import hdf5 FILE --out PROJECT`.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "app/autofocus/console_progress.h"
#include "core/base/strings.h"
#include "core/importers/folder_importer.h"
#include "core/importers/hdf5_importer.h"

namespace autofocus::cli {
namespace {

void PrintSummary(const ProjectInfo& info, const std::string& out) {
  int64_t frames = 0;
  for (const auto& e : info.episodes) frames += e.num_frames;
  std::cout << "Imported " << info.episodes.size() << " episodes, " << frames << " frames ("
            << info.image_width << "x" << info.image_height << ") into " << out << "\n";
}

// Parsed command line of `import hdf5`; names are split after parsing.
struct Hdf5Cli {
  Hdf5ImportOptions options;  // importer options
  std::string action_names;   // comma-separated names, empty = default
};

const bool kRegistered = RegisterCommand(10, [](CLI::App& root, Action& action) {
  CLI::App* imp = root.add_subcommand("import", "Import a dataset into a new project");
  imp->require_subcommand(1);

  auto folder = std::make_shared<FolderImportOptions>();
  CLI::App* f = imp->add_subcommand(
      "folder", "Import ROOT/<episode>/ folders of images or one video, plus actions.csv/.json");
  f->add_option("ROOT", folder->root, "Dataset root (one sub-folder per episode)")->required();
  f->add_option("--out,-o", folder->out, "Project directory to create (must not exist)")
      ->required();
  f->add_flag("--copy", folder->copy, "Copy frame files into the project instead of referencing");
  f->add_option("--name", folder->name, "Project name (default: the root folder's name)");
  f->add_option("--threads", folder->threads, "Decode threads (0 = hardware threads)")
      ->check(CLI::NonNegativeNumber);
  f->callback([folder, &action] {
    action = [folder] {
      ConsoleProgress bar;
      const ProjectInfo info = FolderImporter(*folder).Run(bar.Callback());
      bar.Finish();
      PrintSummary(info, folder->out.string());
      return kExitOk;
    };
  });

  auto h5 = std::make_shared<Hdf5Cli>();
  CLI::App* h = imp->add_subcommand(
      "hdf5", "Import a robomimic-style HDF5 file (data/demo_<k>/obs/<image_key>, actions)");
  h->add_option("FILE", h5->options.file, "HDF5 file")->required();
  h->add_option("--out,-o", h5->options.out, "Project directory to create (must not exist)")
      ->required();
  h->add_option("--image-key", h5->options.image_key,
                "obs dataset holding the frames (default: the only uint8 [T,H,W,3] one)");
  h->add_option("--action-names", h5->action_names,
                "Comma-separated action names (default: a0,a1,...)");
  h->add_flag("--copy", h5->options.copy, "Copy the HDF5 file into the project");
  h->add_option("--name", h5->options.name, "Project name (default: the file name)");
  h->callback([h5, &action] {
    action = [h5] {
      Hdf5ImportOptions o = h5->options;
      if (!h5->action_names.empty()) {
        for (const auto& n : Split(h5->action_names, ',')) o.action_names.push_back(Trim(n));
      }
      ConsoleProgress bar;
      const ProjectInfo info = Hdf5Importer(o).Run(bar.Callback());
      bar.Finish();
      PrintSummary(info, o.out.string());
      return kExitOk;
    };
  });
});

}  // namespace
}  // namespace autofocus::cli
