#pragma once

#include "core/curation/curation_state.h"

namespace autofocus::testing {

// 10 frames: track 1 (car) in every frame, track 2 (person) in 0-4, track 3 (car) in 5-9.
// Sub-sequence [0,4] ids {1,2} key {1}; [5,9] ids {1,3} key {3} (both decided by the model).
inline Json FixtureTracks() {
  Json frames = Json::array();
  for (int t = 0; t < 10; ++t) {
    Json dets = Json::array();
    dets.push_back({{"box", {10 + t, 10, 30 + t, 40}}, {"label", "car"}, {"score", 0.9}, {"id", 1}});
    if (t < 5) dets.push_back({{"box", {50, 50, 60, 80}}, {"label", "person"}, {"score", 0.8}, {"id", 2}});
    if (t >= 5) dets.push_back({{"box", {100, 20, 140, 50}}, {"label", "car"}, {"score", 0.7}, {"id", 3}});
    frames.push_back({{"detections", dets}});
  }
  return {{"stage", "track"},
          {"result", {{"frames", frames}, {"segments", {{{"start", 0}, {"end", 4}, {"ids", {1, 2}}}, {{"start", 5}, {"end", 9}, {"ids", {1, 3}}}}}}}};
}

inline Json FixtureKeyObjects() {
  return {{"stage", "key_objects"},
          {"input_hash", "in"},
          {"output_hash", "out"},
          {"complete", true},
          {"segments",
           {{{"start", 0}, {"end", 4}, {"ids", {1, 2}}, {"decided_by", "model"}, {"key_ids", {1}}, {"iterations", Json::array()}},
            {{"start", 5}, {"end", 9}, {"ids", {1, 3}}, {"decided_by", "model"}, {"key_ids", {3}}, {"iterations", Json::array()}}}},
          {"frames", Json::array()}};
}

inline CurationState FixtureState() {
  return CurationStateFromJson("ep", 10, FixtureTracks(), FixtureKeyObjects(), "key_objects.json");
}

}  // namespace autofocus::testing
