#include "core/importers/validate.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/base/strings.h"
#include "core/imageio/image_io.h"
#include "core/importers/hdf5_util.h"
#include "core/importers/import_common.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

ValidationProblem FromError(const Error& e) { return {e.file(), e.where(), e.reason()}; }

std::string SizeText(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

void CheckImages(const Episode& e, const fs::path& root, const ValidateOptions& options,
                 ProgressCounter* counter, const StopCheck& stop,
                 std::vector<ValidationProblem>* problems) {
  // A missing image-I/O plugin is a problem of this installation, not of the project: fail with
  // its Error instead of reporting every frame as undecodable.
  RequireImageIo();
  // Frames are checked in parallel; problems are collected per frame and appended in frame
  // order so reports are deterministic.
  std::vector<std::vector<ValidationProblem>> per_frame(e.source.files.size());
  ParallelFor(
      e.source.files.size(), options.threads,
      [&](size_t i) {
        const fs::path p = root / e.source.files[i];
        try {
          const DecodedImageInfo d = DecodeImageFile(p);
          if (d.width != e.width || d.height != e.height) {
            per_frame[i].push_back({p.string(), "frame " + std::to_string(i),
                                    "image is " + SizeText(d.width, d.height) +
                                        " but the episode records " +
                                        SizeText(e.width, e.height)});
          }
        } catch (const Error& err) {
          per_frame[i].push_back({p.string(), "frame " + std::to_string(i), err.reason()});
        }
        counter->Advance(1, e.name);
      },
      stop);
  for (auto& v : per_frame) problems->insert(problems->end(), v.begin(), v.end());
}

void CheckVideo(const Episode& e, const fs::path& root, ProgressCounter* counter,
                std::vector<ValidationProblem>* problems) {
  const fs::path p = root / e.source.file;
  RequireImageIo();  // as in CheckImages: an installation problem is not a project problem
  try {
    const VideoInfo vi = ProbeVideo(p);
    if (vi.frames != e.num_frames) {
      problems->push_back({p.string(), "", "video has " + std::to_string(vi.frames) +
                                               " decodable frames but the episode has " +
                                               std::to_string(e.num_frames)});
    } else if (vi.width != e.width || vi.height != e.height) {
      problems->push_back({p.string(), "", "video is " + SizeText(vi.width, vi.height) +
                                               " but the episode records " +
                                               SizeText(e.width, e.height)});
    }
  } catch (const Error& err) {
    problems->push_back(FromError(err));
  }
  counter->Advance(e.num_frames, e.name);
}

void CheckHdf5(const Episode& e, const fs::path& root, ProgressCounter* counter,
               std::vector<ValidationProblem>* problems) {
  const fs::path p = root / e.source.file;
  try {
    hdf5::Hdf5Session session;
    hdf5::Handle f = hdf5::OpenFile(p.string());
    const hdf5::DatasetInfo info = hdf5::GetDatasetInfo(f.get(), p.string(), e.source.dataset);
    if (!info.IsImageStack()) {
      problems->push_back({p.string(), e.source.dataset, "expected uint8 [T,H,W,3] frames"});
    } else if (info.dims[0] != static_cast<hsize_t>(e.num_frames)) {
      problems->push_back({p.string(), e.source.dataset,
                           "has " + std::to_string(info.dims[0]) +
                               " frames but the episode has " + std::to_string(e.num_frames)});
    } else if (info.dims[2] != static_cast<hsize_t>(e.width) ||
               info.dims[1] != static_cast<hsize_t>(e.height)) {
      problems->push_back({p.string(), e.source.dataset,
                           "frames are " + SizeText(int(info.dims[2]), int(info.dims[1])) +
                               " but the episode records " + SizeText(e.width, e.height)});
    } else {
      std::vector<unsigned char> buf;
      for (hsize_t idx : {hsize_t{0}, info.dims[0] - 1}) {
        if (!hdf5::ReadImageFrame(f.get(), e.source.dataset, info, idx, &buf)) {
          problems->push_back({p.string(), e.source.dataset + "[" + std::to_string(idx) + "]",
                               "frame cannot be read (truncated file or missing filter)"});
          break;
        }
      }
    }
  } catch (const Error& err) {
    problems->push_back(FromError(err));
  }
  counter->Advance(e.num_frames, e.name);
}

}  // namespace

std::string ValidationProblem::ToString() const {
  std::string s;
  if (!file.empty()) s += file + ": ";
  if (!where.empty()) s += where + ": ";
  return s + reason;
}

void ValidateOptions::Check() const {
  if (threads < 0) throw Error("", "threads", "must be >= 0 (0 = hardware threads)");
}

std::vector<ValidationProblem> ValidateProject(const ProjectStore& store,
                                               const ProgressCallback& progress,
                                               const StopCheck& stop,
                                               const ValidateOptions& options) {
  options.Check();
  std::vector<ValidationProblem> problems;
  const ProjectInfo& info = store.info();
  int64_t total = 0;
  for (const auto& entry : info.episodes) total += entry.num_frames;
  ProgressCounter counter(progress, "validate", total);
  const fs::path root = store.SourceRoot();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    problems.push_back({(store.root() / "project.json").string(), "source_root",
                        "frame folder " + root.string() + " does not exist"});
  }
  for (const auto& entry : info.episodes) {
    ThrowIfStopped(stop);
    const fs::path dir = store.root() / entry.dir;
    // Every JSON artifact in the folder must parse, whoever wrote it.
    std::vector<fs::path> artifacts;
    for (const auto& f : fs::directory_iterator(dir, ec)) {
      if (f.path().extension() == ".json" && f.path().filename() != "episode.json") {
        artifacts.push_back(f.path());
      }
    }
    std::sort(artifacts.begin(), artifacts.end(), [](const fs::path& a, const fs::path& b) {
      return NaturalLess(a.filename().string(), b.filename().string());
    });
    for (const auto& a : artifacts) {
      try {
        LoadJsonFile(a);
      } catch (const Error& err) {
        problems.push_back(FromError(err));
      }
    }
    Episode e;
    try {
      e = store.LoadEpisode(entry.name);
    } catch (const Error& err) {
      problems.push_back(FromError(err));
      counter.Advance(entry.num_frames, entry.name);
      continue;
    }
    const std::string episode_file = (dir / "episode.json").string();
    if (e.name != entry.name) {
      problems.push_back({episode_file, "name", "is \"" + e.name + "\" but project.json lists \"" +
                                                    entry.name + "\""});
    }
    if (e.num_frames != entry.num_frames) {
      problems.push_back({episode_file, "frames",
                          "is " + std::to_string(e.num_frames) + " but project.json lists " +
                              std::to_string(entry.num_frames)});
    }
    switch (e.source.kind) {
      case FrameSourceRef::Kind::kImages:
        if (e.source.files.size() != static_cast<size_t>(e.num_frames)) {
          problems.push_back({episode_file, "source.files",
                              "lists " + std::to_string(e.source.files.size()) +
                                  " files but the episode has " + std::to_string(e.num_frames) +
                                  " frames"});
        }
        CheckImages(e, root, options, &counter, stop, &problems);
        break;
      case FrameSourceRef::Kind::kVideo:
        CheckVideo(e, root, &counter, &problems);
        break;
      case FrameSourceRef::Kind::kHdf5:
        CheckHdf5(e, root, &counter, &problems);
        break;
    }
  }
  return problems;
}

std::vector<ValidationProblem> ValidateProjectDir(const fs::path& dir,
                                                  const ProgressCallback& progress,
                                                  const StopCheck& stop,
                                                  const ValidateOptions& options) {
  std::optional<ProjectStore> store;
  try {
    store.emplace(ProjectStore::Open(dir));
  } catch (const Error& err) {
    return {FromError(err)};
  }
  return ValidateProject(*store, progress, stop, options);
}

}  // namespace autofocus
