#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"
#include "core/base/progress.h"
#include "core/dataset/project_store.h"

// Export of a project (optionally curated) to formats other trainers and annotation tools read.
// One exporter per format behind one interface; RunExport() does what every format shares:
// choosing episodes and frames, curation, the staging folder and the rename, the manifest with
// SHA-256 of every file, and the read-back validation.

namespace autofocus {

// Settings of one export (the CLI's `autofocus export` and the studio's File > Export).
struct ExportOptions {
  std::string format = "robomimic";  // robomimic | folder | coco | mot | cvat-video | yolo | lerobot
  std::filesystem::path out;         // file (robomimic) or folder to create (required)
  std::vector<std::string> episodes;  // episode names; empty = all
  bool curated = false;   // apply the studio's curation: excluded episodes/frames left out,
                          // person edits (journal) applied, flags carried as attributes
  std::string saliency = "maps";  // maps | points | none: what of the key objects' saliency goes
                                  // with the frames (formats without a place for it ignore it)
  uint64_t split_seed = 0;   // seed of the train/valid split by episode (robomimic masks, YOLO)
  double valid_share = 0.1;  // share of episodes in the validation split, [0, 1)
  std::string compress = "gzip";  // gzip | none (robomimic image datasets); lerobot Parquet
                                  // pages also snappy | zstd
  bool force = false;             // replace an existing `out`
  std::string image_key = "image";  // robomimic obs key of the frames; lerobot camera name
                                    // (feature observation.images.<key>)
  std::string video_codec = "h264";  // lerobot MP4s: h264 (libx264) | av1 (libsvtav1)
  int fps = 0;  // lerobot frame rate; 0 = the episodes' metadata "fps" (10 when they have none)

  // Throws Error naming the option when a value is out of range or unknown.
  void Check() const;
};

// The formats RunExport() knows, in the order the CLI lists them.
const std::vector<std::string>& ExportFormats();

// One frame as exporters see it.
struct ExportFrame {
  int index = 0;                    // frame index in the episode
  std::vector<Detection> tracked;   // every tracked box (id = track ID)
  std::vector<Detection> key;       // the key boxes (saliency is rendered from these)
  std::string flag;                 // review note when the frame is flagged, else ""
};

// One episode as exporters see it: only the frames that are exported.
struct ExportEpisode {
  Episode episode;                   // the project's episode (frames, actions, state, gaze)
  std::vector<ExportFrame> frames;   // exported frames in order
  std::vector<float> saliency;       // maps [frames.size()][height][width] in [0,1] (saliency
                                     // "maps"), else empty
  bool valid = false;                // in the validation split
};

// What an export did.
struct ExportSummary {
  std::filesystem::path out;                 // what was written
  std::string format;                        // the format
  int episodes = 0;                          // episodes written
  long frames = 0;                           // frames written
  std::vector<std::string> excluded_episodes;  // left out by curation
  // Left out because their episode.json or an artifact cannot be read: (episode, error naming
  // the file and reason). The others are exported; `autofocus export` then exits 1.
  std::vector<std::pair<std::string, std::string>> damaged_episodes;
  long excluded_frames = 0;                  // frames left out by curation
  std::vector<std::string> files;            // written files, relative to `out` (or its name)
  bool validated = false;                    // the result was read back and checked
  double seconds = 0;                        // wall time
  Json ToJson() const;
};

// A format writer. Write() fills `dest` (a staging file or folder that does not exist yet);
// Validate() reads the written result back and throws Error naming what is wrong.
class Exporter {
 public:
  virtual ~Exporter() = default;
  // The format name.
  virtual std::string Format() const = 0;
  // True when the format is one file (robomimic HDF5), false for a folder.
  virtual bool SingleFile() const { return false; }
  // Writes the episodes; `frames` reads an episode's frames (BGR).
  virtual void Write(const ProjectStore& store, const std::vector<ExportEpisode>& episodes,
                     const ExportOptions& options, const std::filesystem::path& dest,
                     const ProgressCallback& progress, const StopCheck& stop) const = 0;
  // Reads `dest` back and checks it against what was exported.
  virtual void Validate(const std::vector<ExportEpisode>& episodes, const ExportOptions& options,
                        const std::filesystem::path& dest) const = 0;
};

// The exporter of `format`; Error naming "--format" when unknown.
std::unique_ptr<Exporter> MakeExporter(const std::string& format);

// Exports `store` as `options` says. Writes into a staging path next to `out` and renames it
// at the end, so a failure or a kill leaves nothing at `out`; refuses an existing `out` unless
// `force`. Writes `manifest.json` (inside the folder, or `<out>.manifest.json` next to a file)
// with the source project, the episodes with their frame ranges, pipeline and saliency
// parameters, model names and template hashes, the curation summary, the code version, the time
// and the SHA-256 of every written file. Throws Error naming the file/option and the reason,
// Cancelled when `stop` fired.
ExportSummary RunExport(const ProjectStore& store, const ExportOptions& options,
                        const ProgressCallback& progress = {}, const StopCheck& stop = {});

// The exported episodes (episode choice, curation, frames, key boxes, saliency maps) without
// writing anything; what RunExport() hands the exporter.
std::vector<ExportEpisode> CollectExportEpisodes(const ProjectStore& store, const ExportOptions& options,
                                                 ExportSummary* summary, const StopCheck& stop = {});

// The key-object centres of a frame as AutoFocus-IL's loader reads them: up to 5 points (x, y)
// normalised by (width - 1, height - 1), -1 padding, 10 floats.
std::vector<float> GazeCoords(const std::vector<Detection>& key, int width, int height);

}  // namespace autofocus
