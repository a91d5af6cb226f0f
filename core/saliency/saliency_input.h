#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/geometry.h"
#include "core/base/json_io.h"

namespace autofocus {

// The key objects of one episode, the input of the saliency renderer. A point [x,y] is stored
// as the zero-size box [x,y,x,y]; every object acts through its centre (and, for the box
// kernel, its width/height). Coordinates are continuous pixels of a width x height image whose
// pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is (i + 0.5, j + 0.5).
struct SaliencyInput {
  int image_width = 0;                   // source image width in pixels (> 0)
  int image_height = 0;                  // source image height in pixels (> 0)
  std::vector<std::vector<Box>> frames;  // per frame, its key objects

  // Throws Error(file, "frames[i].objects[j]", ...) for a non-finite coordinate or a box with
  // x2 < x1 / y2 < y1, and names width/height when they are not positive.
  void Validate(const std::string& file = "") const;
};

// Parses {"width":W,"height":H,"frames":[{"objects":[{"box":[x1,y1,x2,y2]}|{"point":[x,y]}]}]}.
// Other fields of an object (label, score, id) are ignored. Errors name `file` and the field,
// e.g. "frames[3].objects[1].box[2]": null, strings, NaN/inf, x2 < x1, a non-positive size and
// an empty frame list are all rejected.
SaliencyInput ParseSaliencyInput(const Json& j, const std::string& file);

// LoadJsonFile (malformed JSON -> line/column) + ParseSaliencyInput.
SaliencyInput LoadSaliencyInput(const std::filesystem::path& path);

// The JSON form ParseSaliencyInput reads (zero-size boxes are written as points).
Json SaliencyInputToJson(const SaliencyInput& input);

}  // namespace autofocus
