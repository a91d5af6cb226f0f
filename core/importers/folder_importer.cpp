#include "core/importers/folder_importer.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/strings.h"
#include "core/importers/import_common.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

// What one episode folder contains, before anything is decoded.
struct EpisodeLayout {
  std::string name;                 // folder name = episode name
  fs::path dir;                     // absolute folder
  std::vector<std::string> images;  // image file names, natural order
  std::string video;                // the video file name, or empty
  fs::path actions;                 // actions.csv or actions.json
};

bool NaturalLessStr(const std::string& a, const std::string& b) { return NaturalLess(a, b); }

EpisodeLayout ScanEpisode(const fs::path& dir) {
  EpisodeLayout l;
  l.name = dir.filename().string();
  l.dir = dir;
  std::vector<std::string> videos;
  bool csv = false, json = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const std::string f = entry.path().filename().string();
    if (!f.empty() && f[0] == '.') continue;  // editor and OS droppings (.DS_Store, ...)
    if (f == "actions.csv") {
      csv = true;
    } else if (f == "actions.json") {
      json = true;
    } else if (IsImageFileName(f)) {
      l.images.push_back(f);
    } else if (IsVideoFileName(f)) {
      videos.push_back(f);
    }
  }
  if (ec) throw Error(dir.string(), "", "cannot list folder: " + ec.message());
  std::sort(l.images.begin(), l.images.end(), NaturalLessStr);
  std::sort(videos.begin(), videos.end(), NaturalLessStr);
  if (!l.images.empty() && !videos.empty()) {
    throw Error(dir.string(), "", "holds both image files and a video (" + videos[0] +
                                      "); an episode is either frames or one video");
  }
  if (videos.size() > 1) {
    throw Error(dir.string(), "", "holds " + std::to_string(videos.size()) + " videos (" +
                                      videos[0] + ", " + videos[1] +
                                      "); an episode has exactly one video");
  }
  if (videos.size() == 1) l.video = videos[0];
  if (l.images.empty() && l.video.empty()) {
    throw Error(dir.string(), "", "no image files or video found");
  }
  if (csv && json) {
    throw Error(dir.string(), "", "holds both actions.csv and actions.json; keep one");
  }
  if (!csv && !json) throw Error(dir.string(), "", "no actions.csv or actions.json");
  l.actions = dir / (csv ? "actions.csv" : "actions.json");
  return l;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? "," : "") + names[i];
  return s;
}

}  // namespace

void FolderImportOptions::Check() const {
  if (root.empty()) throw Error("", "root", "the dataset root is required");
  if (out.empty()) throw Error("", "out", "the output project path is required");
  if (threads < 0) throw Error("", "threads", "must be >= 0 (0 = hardware threads)");
}

FolderImporter::FolderImporter(FolderImportOptions options) : options_(std::move(options)) {
  options_.Check();
}

ProjectInfo FolderImporter::Run(const ProgressCallback& progress, const StopCheck& stop) const {
  std::error_code ec;
  const fs::path root = fs::absolute(options_.root).lexically_normal();
  if (!fs::exists(root, ec)) throw Error(options_.root.string(), "", "no such directory");
  if (!fs::is_directory(root, ec)) throw Error(options_.root.string(), "", "not a directory");

  // Episode folders in natural order; hidden folders are ignored.
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string f = entry.path().filename().string();
    if (entry.is_directory(ec) && !f.empty() && f[0] != '.') dirs.push_back(entry.path());
  }
  if (ec) throw Error(root.string(), "", "cannot list folder: " + ec.message());
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return NaturalLess(a.filename().string(), b.filename().string());
  });
  if (dirs.empty()) {
    throw Error(root.string(), "", "no episode folders (expected one sub-folder per episode)");
  }

  // Scan everything first: layout errors surface before any decoding, and the progress total
  // is known. A video counts as one unit.
  std::vector<EpisodeLayout> layouts;
  std::map<std::string, std::string> folder_names;  // project folder -> episode
  int64_t total_units = 0;
  for (const auto& d : dirs) {
    layouts.push_back(ScanEpisode(d));
    const std::string folder = EpisodeFolderName(layouts.back().name);
    auto [it, inserted] = folder_names.emplace(folder, layouts.back().name);
    if (!inserted) {
      throw Error(d.string(), "", "episode name maps to the same project folder \"" + folder +
                                      "\" as episode \"" + it->second + "\"");
    }
    total_units += layouts.back().video.empty()
                       ? static_cast<int64_t>(layouts.back().images.size())
                       : 1;
  }

  StagingDirectory staging(options_.out);
  ProjectInfo info;
  info.name = options_.name.empty() ? root.filename().string() : options_.name;
  info.importer = "folder";
  info.source_root = options_.copy ? "." : root.string();
  ProjectStore store = ProjectStore::Create(staging.path(), info);

  ProgressCounter counter(progress, "import", total_units);
  ActionRangeAccumulator ranges;
  std::vector<std::string> action_names;
  std::string names_origin;
  for (const EpisodeLayout& l : layouts) {
    ThrowIfStopped(stop);
    const NumericTable actions = l.actions.extension() == ".csv" ? ReadNumericCsv(l.actions)
                                                                  : ReadActionsJson(l.actions);
    if (action_names.empty()) {
      action_names = actions.names;
      names_origin = l.actions.string();
    } else if (actions.names != action_names) {
      throw Error(l.actions.string(), "names",
                  "action names (" + JoinNames(actions.names) + ") differ from those of " +
                      names_origin + " (" + JoinNames(action_names) + ")");
    }

    Episode e;
    e.name = l.name;
    e.metadata = {{"source_folder", l.name}};
    const std::string folder = EpisodeFolderName(l.name);
    // Inside the project every path is relative: to the dataset root, or to the project when
    // the frames were copied in.
    const fs::path ref_dir = options_.copy ? fs::path("frames") / folder : fs::path(l.name);
    if (options_.copy) fs::create_directories(staging.path() / ref_dir);

    if (!l.video.empty()) {
      const fs::path video = l.dir / l.video;
      const VideoInfo vi = ProbeVideo(video);
      if (static_cast<size_t>(vi.frames) != actions.rows.size()) {
        throw Error(video.string(), "",
                    "video has " + std::to_string(vi.frames) + " decodable frames but " +
                        l.actions.string() + " has " + std::to_string(actions.rows.size()) +
                        " action rows");
      }
      if (options_.copy) fs::copy_file(video, staging.path() / ref_dir / l.video);
      e.source.kind = FrameSourceRef::Kind::kVideo;
      e.source.file = (ref_dir / l.video).generic_string();
      e.num_frames = vi.frames;
      e.width = vi.width;
      e.height = vi.height;
      counter.Advance(1, l.name);
    } else {
      if (l.images.size() != actions.rows.size()) {
        throw Error(l.actions.string(), "",
                    "has " + std::to_string(actions.rows.size()) + " action rows but " +
                        l.dir.string() + " holds " + std::to_string(l.images.size()) +
                        " image files");
      }
      std::vector<DecodedImageInfo> sizes(l.images.size());
      ParallelFor(
          l.images.size(), options_.threads,
          [&](size_t i) {
            const fs::path copy_to =
                options_.copy ? staging.path() / ref_dir / l.images[i] : fs::path();
            sizes[i] = DecodeImageFile(l.dir / l.images[i], copy_to);
            counter.Advance(1, l.name);
          },
          stop);
      for (size_t i = 1; i < sizes.size(); ++i) {
        if (sizes[i].width != sizes[0].width || sizes[i].height != sizes[0].height) {
          throw Error((l.dir / l.images[i]).string(), "",
                      "frame is " + std::to_string(sizes[i].width) + "x" +
                          std::to_string(sizes[i].height) + " but " + l.images[0] + " is " +
                          std::to_string(sizes[0].width) + "x" + std::to_string(sizes[0].height) +
                          " (all frames of an episode must have one size)");
        }
      }
      e.source.kind = FrameSourceRef::Kind::kImages;
      for (const auto& f : l.images) e.source.files.push_back((ref_dir / f).generic_string());
      e.num_frames = static_cast<int>(l.images.size());
      e.width = sizes[0].width;
      e.height = sizes[0].height;
    }
    e.actions = actions.rows;
    ranges.Add(e.actions);
    if (store.info().episodes.empty()) {
      store.mutable_info().image_width = e.width;
      store.mutable_info().image_height = e.height;
    }
    store.SaveEpisode(e);
  }
  store.mutable_info().action_spec = ranges.Spec(action_names);
  store.Save();
  ThrowIfStopped(stop);
  staging.Commit();
  return store.info();
}

}  // namespace autofocus
