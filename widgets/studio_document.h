#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"
#include "core/dataset/dataset.h"
#include "core/dataset/frame_source.h"
#include "core/dataset/project_store.h"
#include "core/saliency/saliency_options.h"
#include "core/vlm/vlm_backend.h"

namespace autofocus {

class ExchangeCache;
class SaliencyRenderer;
namespace sim {
struct EpisodeGroundTruth;
}

// One track of tracks.json (a persistent object ID over a frame range).
struct StudioTrack {
  int id = -1;            // track ID
  std::string label;      // class name
  int first_frame = 0;    // first frame the track is present
  int last_frame = 0;     // last frame the track is present (inclusive)
  int length = 0;         // frames the track is present
};

// One sub-sequence of key_objects.json (or of tracks.json when key objects are missing).
struct StudioSegment {
  int start = 0;                   // first frame (inclusive)
  int end = 0;                     // last frame (inclusive)
  std::vector<int> ids;            // track IDs active over the sub-sequence
  std::vector<int> key_ids;        // sorted key track IDs (the rest are pruned)
  std::string decided_by = "model";  // "model" | "person": who chose key_ids last
  std::string status = "ok";       // "ok" | "undecided" (no usable answer: every candidate
                                   // kept, flagged for review) | "failed" (older artifacts)
  int reruns = 0;                  // missing-category re-runs after the first query
  Json json = Json::object();      // the full segment object (iterations, records) as stored
  // True when `id` is a key object of this sub-sequence.
  bool IsKey(int id) const;
};

// Everything the views show about the current episode, parsed once when it is opened. Any
// artifact that is missing leaves its part empty (a project without pipeline results still
// opens: frames, actions and gaze only).
struct StudioEpisode {
  Episode episode;                                  // episode.json
  std::vector<std::vector<Detection>> tracked;      // tracks.json frames (with IDs), [T]
  std::vector<StudioTrack> tracks;                  // tracks.json tracks
  std::vector<StudioSegment> segments;              // sub-sequences, start order
  std::vector<std::vector<Detection>> key_boxes;    // key_objects.json frames, [T]
  Json context = Json::object();                    // context.json "result" (summary, vocabulary)
  Json status = Json::object();                     // status.json
  std::vector<double> coverage;                     // saliency.json coverage, [T] or empty
  bool key_objects_complete = true;                 // key_objects.json "complete"
  std::vector<int> failed_frames;                   // frames whose detection failed (empty, flagged)
  std::vector<std::string> failed_frame_errors;     // the error of each failed frame
  // Sub-sequences without a usable VLM answer.
  int Undecided() const;
  std::shared_ptr<const sim::EpisodeGroundTruth> ground_truth;  // sample-world projects only

  int num_frames() const { return episode.num_frames; }
  // Index of the sub-sequence holding `frame`, or -1.
  int SegmentAt(int frame) const;
  // The track with `id`, or nullptr.
  const StudioTrack* FindTrack(int id) const;
};

// The single source of truth of the studio: the open project, the current episode with its
// parsed artifacts, the one current-frame cursor every view follows, the selection, the live
// saliency parameters and a shared frame cache. Views observe its signals; edits (undo
// commands) mutate annotations only through the Set*/Notify* methods so every view refreshes.
// Change signals are coalesced with a zero-delay single-shot timer: many changes within one
// event-loop turn produce one signal (call FlushSignals() to deliver them at once, e.g. tests).
class StudioDocument : public QObject {
  Q_OBJECT
 public:
  explicit StudioDocument(QObject* parent = nullptr);
  ~StudioDocument() override;

  // --- project ---------------------------------------------------------------------------------
  // Opens a project directory, or the directory of `path` when it names a project.json (reads
  // project.json only). On failure returns false, keeps the previous project and sets `error`
  // (when given) to the reason.
  bool OpenProject(const QString& path, QString* error = nullptr);
  // Closes the project (views go empty).
  void CloseProject();
  // The open project, or nullptr. Mutable so curation can save settings.
  ProjectStore* store() { return store_.get(); }
  const ProjectStore* store() const { return store_.get(); }
  // Absolute project folder, or empty.
  QString projectPath() const;

  // --- current episode ---------------------------------------------------------------------------
  // Opens an episode by name (parses episode.json and its artifacts). Returns false and sets
  // `error` when the episode cannot be read; the current-frame cursor goes to 0.
  bool SetCurrentEpisode(const QString& name, QString* error = nullptr);
  // Name of the current episode, or empty.
  QString currentEpisodeName() const;
  // The current episode, or nullptr when none is open.
  const StudioEpisode* episode() const { return episode_.get(); }
  // Number of frames of the current episode (0 when none).
  int frameCount() const;

  // --- the cursor --------------------------------------------------------------------------------
  // The current frame (0 when no episode).
  int currentFrame() const { return frame_; }
  // Moves the cursor (clamped to [0, frameCount()-1]).
  void SetCurrentFrame(int frame);

  // --- selection ---------------------------------------------------------------------------------
  // The selected track ID, or -1.
  int selectedTrack() const { return selected_track_; }
  // The selected sub-sequence index (follows the cursor unless set explicitly), or -1.
  int selectedSegment() const { return selected_segment_; }
  void SetSelectedTrack(int id);
  void SetSelectedSegment(int index);

  // --- annotations (curation writes through these) ------------------------------------------------
  // Replaces the key boxes of frames first..first+frames.size()-1.
  void SetKeyBoxes(int first, const std::vector<std::vector<Detection>>& frames);
  // Replaces the tracked detections of frames first..first+frames.size()-1.
  void SetTrackedDetections(int first, const std::vector<std::vector<Detection>>& frames);
  // Sets the key IDs of sub-sequence `segment` and recomputes its key boxes from the tracked
  // detections; `decided_by` is "person" for edits, "model" when an undo restores the model's.
  void SetSegmentKeyIds(int segment, std::vector<int> key_ids, const std::string& decided_by);
  // Sets the track IDs active over sub-sequence `segment` (its membership, after a merge, split or
  // deleted box); its key IDs are set separately with SetSegmentKeyIds().
  void SetSegmentIds(int segment, std::vector<int> ids);
  // Says that annotations of frames first..last changed in place (views refresh; the derived
  // saliency input is rebuilt for that range).
  void NotifyAnnotationsChanged(int first, int last);
  // Writes the current key boxes and sub-sequence decisions to key_objects.json (atomic).
  void SaveKeyObjects();

  // Frames flagged for review (sorted), supplied by curation; the timeline's "next flagged".
  const std::vector<int>& flaggedFrames() const { return flagged_; }
  void SetFlaggedFrames(std::vector<int> frames);
  // The first flagged frame after `frame` (wrapping around), or -1 when none is flagged.
  int NextFlaggedFrame(int frame) const;

  // --- saliency ----------------------------------------------------------------------------------
  // The live parameters (project settings.saliency on open, else defaults).
  const SaliencyOptions& saliencyOptions() const { return saliency_; }
  // Changes the live parameters (validated; throws Error on a bad value).
  void SetSaliencyOptions(const SaliencyOptions& options);
  // Renders the map of `frame` from the current key boxes (map size = image size by default);
  // returns an empty vector without an episode. The last rendered frame is cached.
  const std::vector<float>& SaliencyMap(int frame, int* width = nullptr, int* height = nullptr);
  // Key boxes per frame as the renderer takes them.
  const std::vector<std::vector<Box>>& saliencyInput() const { return key_rects_; }

  // --- frames ------------------------------------------------------------------------------------
  // The frame as an RGB image via the shared cache (null image on a read error or no episode).
  QImage FrameImage(int frame);
  // The shared LRU cache of decoded frames.
  FrameCache& frameCache() { return cache_; }

  // --- model exchanges ---------------------------------------------------------------------------
  // The full exchange stored under `cache_key` in the project's exchange cache (opened read-only
  // on first use), or nothing.
  std::optional<CallRecord> FindExchange(const std::string& cache_key);

  // Delivers pending coalesced signals now.
  void FlushSignals();

 Q_SIGNALS:
  // A project was opened or closed.
  void projectChanged();
  // The current episode changed (also after projectChanged).
  void episodeChanged();
  // The cursor moved.
  void currentFrameChanged(int frame);
  // Annotations of frames first..last changed (key boxes, tracks, key IDs).
  void annotationsChanged(int first, int last);
  // The live saliency parameters changed.
  void saliencyParametersChanged();
  // The selected track or sub-sequence changed.
  void selectionChanged();
  // An episode could not be opened (damaged episode.json or artifact); the previous one stays.
  void episodeLoadFailed(const QString& episode, const QString& error);
  // The flagged frames changed.
  void flagsChanged();

 private:
  void ScheduleFlush();
  void RebuildKeyRects(int first, int last);
  void UpdateSegmentFromFrame();
  // Recomputes episode_->tracks (first/last frame, length) from the tracked detections.
  void RebuildTracks();

  std::unique_ptr<ProjectStore> store_;
  std::unique_ptr<StudioEpisode> episode_;
  std::unique_ptr<ExchangeCache> exchanges_;
  FrameCache cache_;
  std::unique_ptr<FrameSource> frames_;
  int frame_ = 0;
  int selected_track_ = -1;
  int selected_segment_ = -1;
  bool segment_pinned_ = false;
  std::vector<int> flagged_;
  SaliencyOptions saliency_;
  std::unique_ptr<SaliencyRenderer> renderer_;
  std::vector<std::vector<Box>> key_rects_;
  std::vector<float> map_;
  int map_frame_ = -1;
  int map_w_ = 0, map_h_ = 0;

  // Pending coalesced signals.
  QTimer flush_timer_;
  bool pending_frame_ = false;
  bool pending_selection_ = false;
  bool pending_saliency_ = false;
  bool pending_flags_ = false;
  int pending_first_ = -1, pending_last_ = -1;
};

}  // namespace autofocus
