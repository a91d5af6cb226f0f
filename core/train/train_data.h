#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"
#include "core/dataset/project_store.h"
#include "core/saliency/saliency_options.h"
#include "core/train/train_options.h"

namespace autofocus {

// One training sample: frame `frame` of episode `episode` (index into TrainDataset episodes).
struct TrainSample {
  int episode = 0;          // index into TrainDataset::episodes()
  int frame = 0;            // frame index within the episode
  bool regularised = true;  // whether the regulariser sees this sample (fraction mask)
};

// One episode as the dataset keeps it: actions and key boxes (small), never frames.
struct TrainEpisode {
  std::string name;                         // episode name
  Episode episode;                          // episode.json (frames are read lazily)
  std::vector<std::vector<Box>> key_boxes;  // per frame, the key boxes (vlm target)
  bool validation = false;                  // in the validation split
};

// A batch in C order: obs [n, C, H, W] in [0,1], actions [n, A], state [n, S], target
// [n, H, W] in [0,1], reg_mask [n] (1 = the regulariser sees the sample).
struct TrainBatch {
  int n = 0;                    // samples in the batch
  std::vector<float> obs;       // n x C x H x W
  std::vector<float> actions;   // n x A (raw, not normalised)
  std::vector<float> state;     // n x S (raw; empty when there is no state input)
  std::vector<float> target;    // n x H x W (zeros when the target is "none")
  std::vector<float> reg_mask;  // n, 0 or 1
};

// Mean and standard deviation per dimension over the training split.
struct DimStats {
  std::vector<float> mean, std;  // [D]; std floored at 1e-6 (a constant dimension keeps std 1)
};

// GABRIL's gaze map for frame t (TRAINING.md): every gaze point of frames t-window..t+window
// (stride, past and optionally future) as a Gaussian of sigma / spread^d pixels weighted
// decay^d (d = |i - t| frames), summed and divided by the maximum. `sigma_px` is already
// scaled to the output width; terms with a weight below 1e-4 are skipped. Writes height x
// width floats (all zero without gaze).
void RenderGazeMap(const std::vector<std::vector<GazePoint>>& gaze, int t, const TrainOptions& o,
                   int width, int height, float* out);

// Deterministic 64-bit mix of a seed and a string plus an integer (splitmix64 over FNV-1a).
uint64_t HashMix(uint64_t seed, const std::string& text, int64_t value);
// Whether frame `frame` of `episode` is regularised under the seeded fraction mask.
bool FractionMaskKeeps(uint64_t seed, double fraction, const std::string& unit,
                       const std::string& episode, int frame);
// A seeded permutation of 0..n-1 (Fisher-Yates with splitmix64; same on every platform).
std::vector<size_t> SeededPermutation(size_t n, uint64_t seed);

// The training data of a project: episodes minus curation exclusions, split by episode
// (seeded), expert actions and VLM target maps rendered on the fly from the key boxes with the
// project's saliency parameters. Holds no frames: batches are read from the frame sources.
class TrainDataset {
 public:
  // Opens the project; throws Error naming the file for a missing project, a project with no
  // usable episode, actions of the wrong length or missing key_objects.json (vlm target).
  TrainDataset(const std::filesystem::path& project, const TrainOptions& options);

  const ProjectStore& store() const { return store_; }
  const TrainOptions& options() const { return options_; }
  // Episodes kept (curation-excluded ones are dropped), in project order.
  const std::vector<TrainEpisode>& episodes() const { return episodes_; }
  // Samples of the training and validation split, in episode/frame order.
  const std::vector<TrainSample>& train_samples() const { return train_; }
  const std::vector<TrainSample>& val_samples() const { return val_; }
  // Number of action dimensions A and their names.
  int num_actions() const { return num_actions_; }
  // Length S of the state input (stack x the summed widths of options().state_keys; 0 = none).
  int state_dim() const { return state_dim_; }
  // Per-dimension action and state statistics of the training split (one state frame's dims).
  const DimStats& action_stats() const { return action_stats_; }
  const DimStats& state_stats() const { return state_stats_; }
  // BC weight per action dimension (options().action_weights, or all 1).
  const std::vector<float>& action_weights() const { return action_weights_; }
  // The state vector of frame t of episode e (summed key widths) written to out.
  void StateRow(int e, int t, float* out) const;
  std::vector<std::string> action_names() const;
  // Saliency parameters used for the vlm target (project settings.saliency, else defaults).
  const SaliencyOptions& saliency() const { return saliency_; }
  // Episode list (with split) + sha256 of every episode.json and key_objects.json used.
  Json Fingerprint() const;
  // The split as JSON: {"train":[names], "validation":[names], "seed":S}.
  Json SplitJson() const;
  // Validation MSE of always predicting the mean training action (the baseline a policy has
  // to beat); < 0 without a validation split.
  double MeanActionValidationMse() const;
  // Episodes left out because they cannot be read: [{"episode": .., "error": ..}].
  const Json& damaged_episodes() const { return damaged_episodes_; }
  // Frames left out by curation (excluded episodes count all their frames).
  int64_t excluded_frames() const { return excluded_frames_; }
  // Frames left out by options().filter.
  int64_t filtered_frames() const { return filtered_frames_; }

 private:
  ProjectStore store_;
  TrainOptions options_;
  SaliencyOptions saliency_;
  std::vector<TrainEpisode> episodes_;
  std::vector<TrainSample> train_, val_;
  std::vector<std::string> excluded_episodes_;
  Json damaged_episodes_ = Json::array();  // [{"episode", "error"}]: unreadable, left out
  std::vector<std::string> filtered_episodes_;  // left out by options().filter
  int64_t excluded_frames_ = 0, filtered_frames_ = 0;
  int journal_applied_ = 0;  // unbaked studio edits replayed onto the key objects
  int num_actions_ = 0;
  int state_width_ = 0;  // one frame's state values
  int state_dim_ = 0;
  DimStats action_stats_, state_stats_;
  std::vector<float> action_weights_;
};

// Reads batches for one thread: keeps a few frame sources open and a saliency renderer.
class BatchReader {
 public:
  explicit BatchReader(const TrainDataset& data);
  ~BatchReader();
  // Fills `out` with samples[order[begin .. begin+count)] (order empty = identity). A non-zero
  // `augment_seed` augments each sample (options().augment) deterministically from the seed
  // and the sample, so a batch's content does not depend on which thread fills it.
  void Fill(const std::vector<TrainSample>& samples, const std::vector<size_t>& order, size_t begin,
            size_t count, TrainBatch* out, uint64_t augment_seed = 0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streams the batches of one pass in a fixed order on background threads, at most `depth`
// batches ahead (bounded memory); the content depends only on the order, not on the threads.
class BatchStream {
 public:
  // `first_batch` skips the batches before it (resume mid-epoch); `augment_seed` as in
  // BatchReader::Fill (0 = none).
  BatchStream(const TrainDataset& data, const std::vector<TrainSample>& samples,
              std::vector<size_t> order, int batch, int workers, size_t first_batch = 0,
              size_t depth = 2, uint64_t augment_seed = 0);
  ~BatchStream();
  // Total batches of the pass (including skipped ones).
  size_t num_batches() const { return num_batches_; }
  // The next batch in order; false at the end. Rethrows a worker's error.
  bool Next(TrainBatch* out);

 private:
  void Work();
  const TrainDataset& data_;
  const std::vector<TrainSample>& samples_;
  std::vector<size_t> order_;
  size_t batch_, num_batches_, next_fill_, next_take_, depth_;
  uint64_t augment_seed_;
  std::map<size_t, TrainBatch> ready_;
  std::exception_ptr error_;  // the first worker failure, rethrown by Next()
  bool stopping_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
};

}  // namespace autofocus
