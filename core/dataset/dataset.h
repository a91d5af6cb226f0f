#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// One dimension of the action space.
struct ActionDim {
  std::string name;                 // e.g. "steer"
  double min = 0.0;                 // lower bound of a continuous dimension (when has_range)
  double max = 0.0;                 // upper bound of a continuous dimension (when has_range)
  bool has_range = false;           // whether min/max are known
  std::vector<std::string> labels;  // class names of a discrete dimension (index = value)
};

// Names each action dimension and says whether the space is continuous or discrete.
struct ActionSpec {
  // Continuous: real-valued vectors (MSE loss); discrete: class indices (cross-entropy).
  enum class Kind { kContinuous, kDiscrete };
  Kind kind = Kind::kContinuous;  // the kind of the whole action space
  std::vector<ActionDim> dims;    // one entry per action dimension

  std::vector<std::string> Names() const;
  Json ToJson() const;
  // Parses; `file` names the source in errors.
  static ActionSpec FromJson(const Json& j, const std::string& file);
};

// Where an episode's frames come from. Paths are relative to the project's source root.
struct FrameSourceRef {
  // kImages: one file per frame; kVideo: one video file; kHdf5: a [T,H,W,3] uint8 dataset.
  enum class Kind { kImages, kVideo, kHdf5 };
  Kind kind = Kind::kImages;        // which of the three sources
  std::vector<std::string> files;   // kImages: frame files in playback order
  std::string file;                 // kVideo / kHdf5: the container file
  std::string dataset;              // kHdf5: dataset path, e.g. data/demo_0/obs/agentview_image

  Json ToJson() const;
  static FrameSourceRef FromJson(const Json& j, const std::string& file);
};

// A gaze point in normalised image coordinates ([0,1] x [0,1]).
using GazePoint = std::array<float, 2>;

// Everything recorded for one demonstration (frames stay where they are, read lazily).
struct Episode {
  std::string name;                                   // unique within the project
  int num_frames = 0;                                 // T
  int width = 0;                                      // frame width in pixels
  int height = 0;                                     // frame height in pixels
  FrameSourceRef source;                              // where the frames are
  std::vector<std::vector<float>> actions;            // [T][A] expert actions
  std::map<std::string, std::vector<std::vector<float>>> state;  // optional [T][D] per key
  std::vector<std::vector<GazePoint>> gaze;           // optional [T][<=5] gaze points
  Json metadata = Json::object();                     // free-form (attributes, task, route)

  Json ToJson() const;
  static Episode FromJson(const Json& j, const std::string& file);
};

// The per-episode summary kept in project.json so a project opens without reading episodes.
struct EpisodeIndexEntry {
  std::string name;     // episode name
  std::string dir;      // folder relative to the project root, e.g. "episodes/demo_0"
  int num_frames = 0;   // T
};

}  // namespace autofocus
