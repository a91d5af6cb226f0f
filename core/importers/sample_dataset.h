#pragma once

#include <cstdint>
#include <filesystem>

#include "core/base/progress.h"

namespace autofocus {

// Options of WriteSampleFolder.
struct SampleFolderOptions {
  std::filesystem::path out;  // folder to create; must not exist (required)
  int episodes = 4;           // number of episode folders (episode_1 .. episode_N)
  int frames = 60;            // frames per episode
  int width = 320;            // frame width in pixels
  int height = 180;           // frame height in pixels
  uint64_t seed = 1;          // random seed: the same seed writes the same pixels and actions
  bool video = false;         // one MJPG episode.avi per episode instead of PNG frames
  int threads = 0;            // episodes written in parallel; 0 (default) = hardware threads

  // Throws Error when a count or size is out of range (episodes/frames >= 1, 16 <= size <= 4096).
  void Check() const;
};

// Writes a small synthetic driving-like folder dataset in the layout FolderImporter reads:
// out/episode_<k>/frame_<t>.png (no zero padding, so natural order matters) or episode.avi,
// plus actions.csv with columns throttle,steer,brake. Frames are OpenCV drawings of a road
// with lane markings and moving cars and signs. Built in a staging directory and renamed at
// the end.
void WriteSampleFolder(const SampleFolderOptions& options, const ProgressCallback& progress = {},
                       const StopCheck& stop = {});

}  // namespace autofocus
