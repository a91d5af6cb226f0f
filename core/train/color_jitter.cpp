#include "core/train/color_jitter.h"

#include <algorithm>
#include <cmath>

namespace autofocus {

void AdjustSaturation(float* rgb, size_t n, double factor) {
  float* r = rgb;
  float* g = rgb + n;
  float* b = rgb + 2 * n;
  const float f = static_cast<float>(factor);
  for (size_t i = 0; i < n; ++i) {
    // float arithmetic in torchvision's order, so results agree to float rounding.
    const float gray = 0.2989f * r[i] + 0.587f * g[i] + 0.114f * b[i];
    auto blend = [&](float x) { return std::clamp(f * x + (1.0f - f) * gray, 0.0f, 1.0f); };
    r[i] = blend(r[i]);
    g[i] = blend(g[i]);
    b[i] = blend(b[i]);
  }
}

void AdjustHue(float* rgb, size_t n, double shift) {
  float* r = rgb;
  float* g = rgb + n;
  float* b = rgb + 2 * n;
  const float hue_shift = static_cast<float>(shift);
  for (size_t i = 0; i < n; ++i) {
    // _rgb2hsv: Pillow's conversion, gray pixels get h = s = 0.
    const float maxc = std::max({r[i], g[i], b[i]});
    const float minc = std::min({r[i], g[i], b[i]});
    const bool eqc = maxc == minc;
    const float cr = maxc - minc;
    const float s = cr / (eqc ? 1.0f : maxc);
    const float div = eqc ? 1.0f : cr;
    const float rc = (maxc - r[i]) / div, gc = (maxc - g[i]) / div, bc = (maxc - b[i]) / div;
    float h;
    if (maxc == r[i]) {
      h = bc - gc;
    } else if (maxc == g[i]) {
      h = 2.0f + rc - bc;
    } else {
      h = 4.0f + gc - rc;
    }
    h = std::fmod(h / 6.0f + 1.0f, 1.0f);
    // (h + shift) % 1 with Python's sign convention (result in [0, 1)).
    h = h + hue_shift;
    h = h - std::floor(h);
    const float v = maxc;
    // _hsv2rgb.
    const float fi = std::floor(h * 6.0f);
    const float f = h * 6.0f - fi;
    const int sector = ((static_cast<int>(fi) % 6) + 6) % 6;
    const float p = std::clamp(v * (1.0f - s), 0.0f, 1.0f);
    const float q = std::clamp(v * (1.0f - s * f), 0.0f, 1.0f);
    const float t = std::clamp(v * (1.0f - s * (1.0f - f)), 0.0f, 1.0f);
    const float table[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    r[i] = table[sector][0];
    g[i] = table[sector][1];
    b[i] = table[sector][2];
  }
}

}  // namespace autofocus
