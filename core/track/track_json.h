#pragma once

#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/track/subsequences.h"
#include "core/track/tracker.h"

namespace autofocus {

// Reads the detections of `{"frames":[{"detections":[{"box":[x1,y1,x2,y2],"label":"car",
// "score":0.9, "id":3}, ...]}, ...]}` (score optional, default 1; id optional, default -1).
// Throws Error naming `file` and the JSON path of the bad field (e.g.
// frames[2].detections[0].box) for a missing or mistyped field, a non-finite coordinate, a box
// with x2 < x1 or y2 < y1, an empty label, or an empty frame list.
std::vector<std::vector<Detection>> ParseDetectionFrames(const Json& doc, const std::string& file);

// The `autofocus track` output: `input` (as parsed by ParseDetectionFrames) with every kept
// detection object copied verbatim plus its "id", detections of dropped tracks removed, and
// "tracks":[{"id","label","first_frame","last_frame","length"}] and
// "segments":[{"start","end","ids"}] added. Other fields of the input are kept.
Json TracksToJson(const Json& input, const TrackResult& result,
                  const std::vector<Subsequence>& segments);

}  // namespace autofocus
