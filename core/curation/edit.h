#pragma once

#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/curation/curation_state.h"

namespace autofocus {

// One curation operation as it is journaled: {op, episode, params, author, time}. Operations
// (params in parentheses; frames are 0-based, boxes [x1,y1,x2,y2] in pixels):
//   set_key         (start, id, key[, decided_by])  make an object key / non-key for the
//                    sub-sequence starting at `start`; decided_by defaults to the author
//   add_box         (frame, box, label[, id, score, index])  id -1/absent = a new track
//   delete_box      (frame, id)
//   move_box        (frame, id, box)   move_box and resize_box both set the box
//   resize_box      (frame, id, box)
//   merge_tracks    (keep, merged)     track `merged` becomes `keep` (they must not overlap)
//   unmerge_tracks  (keep, merged, frames, segments)  the inverse of merge_tracks
//   split_track     (id, frame[, new_id])  frames >= frame of track `id` become `new_id`
//   unsplit_track   (id, frame, new_id, segments)  the inverse of split_track
//   exclude_frames  (frames)           / include_frames (frames)
//   exclude_episode ()                 / include_episode ()
//   flag_frame      (frame, note)      / unflag_frame (frame)
// Apply fills in what it chose (a new track ID, the previous box) so a replay of the journaled
// record is deterministic, and returns the exact inverse as another Edit.
struct Edit {
  std::string op;                // operation name (above)
  std::string episode;           // episode name
  Json params = Json::object();  // operation parameters
  std::string author = kDecidedByPerson;  // who made it ("person"; "model" for restores)
  std::string time;              // ISO-8601 UTC time it was made

  Json ToJson() const;
  // Throws Error naming `file` and `where` on a malformed record.
  static Edit FromJson(const Json& j, const std::string& file, const std::string& where);
  bool operator==(const Edit& o) const;
};

// What applying an edit changed (for views to refresh).
struct EditEffect {
  int first_frame = -1;         // first frame whose annotations changed (-1: none)
  int last_frame = -1;          // last frame whose annotations changed
  bool segments_changed = false;  // key decisions / IDs of sub-sequences changed
  bool flags_changed = false;     // flags or exclusions changed
};

// Applies `edit` to `state` (whose episode must match) and returns the inverse edit; `edit`
// is completed with the values Apply chose (see Edit). Throws Error (state unchanged) when the
// edit does not fit the state: unknown op, frame out of range, no such box/track/sub-sequence.
Edit ApplyEdit(CurationState& state, Edit& edit, EditEffect* effect = nullptr);

// Constructors of the common edits (time = now, author = person).
Edit MakeSetKeyEdit(const std::string& episode, int segment_start, int id, bool key);
Edit MakeAddBoxEdit(const std::string& episode, int frame, const Box& box, const std::string& label, int id = -1);
Edit MakeDeleteBoxEdit(const std::string& episode, int frame, int id);
Edit MakeMoveBoxEdit(const std::string& episode, int frame, int id, const Box& box, bool resize = false);
Edit MakeMergeTracksEdit(const std::string& episode, int keep, int merged);
Edit MakeSplitTrackEdit(const std::string& episode, int id, int frame);
Edit MakeExcludeFramesEdit(const std::string& episode, std::vector<int> frames, bool exclude);
Edit MakeExcludeEpisodeEdit(const std::string& episode, bool exclude);
Edit MakeFlagFrameEdit(const std::string& episode, int frame, bool flag, const std::string& note = "");

// A short human-readable description ("Make #3 key in frames 10-24"), for logs and history.
std::string DescribeEdit(const Edit& edit);

}  // namespace autofocus
