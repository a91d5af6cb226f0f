#pragma once

// Colour jitter for RGB training observations: torchvision's adjust_saturation and adjust_hue
// (torchvision 0.14, functional_tensor.py) on one frame stored as three planes R, G, B of
// `pixels` floats in [0,1], in place. Torch-free; tested against torchvision itself.

#include <cstddef>

namespace autofocus {

// Blends every pixel with its grayscale value (0.2989 R + 0.587 G + 0.114 B, torchvision's
// weights): factor * x + (1 - factor) * gray, clamped to [0,1]. 1 = unchanged, 0 = gray.
void AdjustSaturation(float* rgb_planes, size_t pixels, double factor);

// Rotates every pixel's hue by `shift` of the colour circle (torchvision's hue_factor, in
// [-0.5, 0.5]) through HSV; gray pixels are unchanged.
void AdjustHue(float* rgb_planes, size_t pixels, double shift);

}  // namespace autofocus
