#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"

namespace autofocus {

class ProjectStore;

// Who made a decision (the "decided_by" of key_objects.json).
inline constexpr const char* kDecidedByModel = "model";
inline constexpr const char* kDecidedByPerson = "person";

// One sub-sequence under curation: the track IDs active over it and the key IDs (saliency is
// rendered from the boxes of the key IDs only), with provenance per object.
struct CurationSegment {
  int start = 0;                 // first frame (inclusive)
  int end = 0;                   // last frame (inclusive)
  std::vector<int> ids;          // sorted track IDs active over the sub-sequence
  std::vector<int> key_ids;      // sorted key track IDs
  std::string model_decided_by = kDecidedByModel;  // decided_by as the pipeline stored it
  std::map<int, std::string> decided;  // per object ID: who decided its key state last (only
                                       // objects a person touched are listed)
  // True when `id` is a key object.
  bool IsKey(int id) const;
  // "person" when a person decided any object of the sub-sequence, else the stored value.
  std::string DecidedBy() const;
  bool operator==(const CurationSegment& o) const;
};

// The editable annotations of one episode: tracked boxes per frame (with track IDs), the
// sub-sequences with their key decisions, excluded frames, the episode's exclusion and review
// flags. Built from the pipeline's tracks.json + key_objects.json; edits (edit.h) change it and
// KeyBoxes() derives what saliency renders from.
struct CurationState {
  std::string episode;                          // episode name
  std::vector<std::vector<Detection>> tracked;  // per frame, every tracked box [T]
  std::vector<CurationSegment> segments;        // sub-sequences in start order
  std::vector<int> excluded_frames;             // sorted frames excluded from training/export
  bool episode_excluded = false;                // the whole episode is excluded
  std::map<int, std::string> flags;             // flagged frames -> note
  Json base = Json::object();  // the key_objects.json the state was built from (kept for bake)
  long long baked_seq = 0;     // journal records <= this are already in `base` (see bake)

  int num_frames() const { return static_cast<int>(tracked.size()); }
  // Index of the sub-sequence holding `frame`, or -1.
  int SegmentAt(int frame) const;
  // Index of the sub-sequence starting at `start`, or -1.
  int SegmentStartingAt(int start) const;
  // The key boxes of `frame`: its tracked boxes whose ID is key in the frame's sub-sequence.
  std::vector<Detection> KeyBoxes(int frame) const;
  // KeyBoxes() of every frame.
  std::vector<std::vector<Detection>> AllKeyBoxes() const;
  // Largest track ID in use (-1 when none).
  int MaxTrackId() const;
  // Index of the box of track `id` in `frame`, or -1.
  int FindBox(int frame, int id) const;
  bool IsExcluded(int frame) const;
  bool operator==(const CurationState& o) const;
};

// Builds the state of `episode` from tracks.json and key_objects.json as JSON (either may be an
// empty object when missing; then the state has no boxes / one key-less sub-sequence per track
// segment). `num_frames` sizes the per-frame lists. A key_objects.json written by Bake() carries
// a "curation" block (tracked boxes, exclusions, flags, provenance, journal_seq) and restores
// all of it. Throws Error naming `file` on malformed content.
CurationState CurationStateFromJson(const std::string& episode, int num_frames, const Json& tracks,
                                    const Json& key_objects, const std::string& file);

// Loads the state of an episode from the project's artifacts.
CurationState LoadCurationState(const ProjectStore& store, const std::string& episode);

// The curated key_objects.json: `state.base` with segments (key_ids, decided_by per the
// provenance, "decided_by_object"), per-frame key boxes, a fresh output_hash (so the saliency
// stage re-renders on the next pipeline run while the key-object stage, whose input_hash is
// kept, does not recompute) and a "curation" block recording `journal_seq`.
Json BakeKeyObjects(const CurationState& state, long long journal_seq);

// Writes BakeKeyObjects() to the episode's key_objects.json atomically.
void BakeToProject(const ProjectStore& store, const CurationState& state, long long journal_seq);

// Box/detection JSON helpers ({"box":[x1,y1,x2,y2],"label","score","id"}).
Json DetectionToJson(const Detection& d);
Detection DetectionFromJson(const Json& j, const std::string& file, const std::string& where);
Json BoxToJson(const Box& b);
Box BoxFromJson(const Json& j, const std::string& file, const std::string& where);

}  // namespace autofocus
