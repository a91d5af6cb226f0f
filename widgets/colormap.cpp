#include "widgets/colormap.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace autofocus {
namespace {

struct Rgb3 {
  double r, g, b;
};

// Sixth-order polynomial fits of matplotlib's perceptual maps (M. Zucker, CC0): accurate to
// well under one 8-bit step and far smaller than 4 x 256 tabulated entries.
Rgb3 Poly6(const double c[7][3], double t) {
  Rgb3 o{0, 0, 0};
  for (int k = 6; k >= 0; --k) {
    o.r = o.r * t + c[k][0];
    o.g = o.g * t + c[k][1];
    o.b = o.b * t + c[k][2];
  }
  return o;
}

const double kViridis[7][3] = {{0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
                               {0.1050930431085774, 1.404613529898575, 1.384590162594685},
                               {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
                               {-4.634230498983486, -5.799100973351585, -19.33244095627987},
                               {6.228269936347081, 14.17993336680509, 56.69055260068105},
                               {4.776384997670288, -13.74514537774601, -65.35303263337234},
                               {-5.435455855934631, 4.645852612178535, 26.3124352495832}};
const double kInferno[7][3] = {{0.0002189403691192265, 0.001651004631001012, -0.01948089843709184},
                               {0.1065134194856116, 0.5639564367884091, 3.932712388889277},
                               {11.60249308247187, -3.972853965665698, -15.9423941062914},
                               {-41.70399613139459, 17.43639888205313, 44.35414519872813},
                               {77.162935699427, -33.40235894210092, -81.80730925738993},
                               {-71.31942824499214, 32.62606426397723, 73.20951985803202},
                               {25.13112622477341, -12.24266895238567, -23.07032500287172}};
const double kMagma[7][3] = {{-0.002136485053939582, -0.000749655052795221, -0.005386127855323933},
                             {0.2516605407371642, 0.6775232436837668, 2.494026599312351},
                             {8.353717279216625, -3.577719514958484, 0.3144679030132573},
                             {-27.66873308576866, 14.26473078096533, -13.64921318813922},
                             {52.17613981234068, -27.94360607168351, 12.94416944238394},
                             {-50.76852536473588, 29.04658282127291, 4.23415299384598},
                             {18.65570506591883, -11.48977351997711, -5.601961508734096}};
const double kPlasma[7][3] = {{0.05873234392399702, 0.02333670892565664, 0.5433401826748754},
                              {2.176514634195958, 0.2383834171260182, 0.7539604599784036},
                              {-2.689460476458034, -7.455851135738909, 3.110799939717086},
                              {6.130348345893603, 42.3461881477227, -28.51885465332158},
                              {-11.10743619062271, -82.66631109428045, 60.13984767418263},
                              {10.02306557647065, 71.41361770095349, -54.07218655560067},
                              {-3.658713842777788, -22.93153465461149, 18.19190778539828}};

// Google's Turbo polynomial approximation (Apache 2.0).
Rgb3 Turbo(double x) {
  return {0.13572138 + x * (4.61539260 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943)))),
          0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604)))),
          0.10667330 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))))};
}

// Piecewise-linear interpolation between equally spaced 8-bit anchors.
Rgb3 Anchors(const unsigned char (*a)[3], int n, double t) {
  const double pos = t * (n - 1);
  const int i = std::clamp(static_cast<int>(pos), 0, n - 2);
  const double f = pos - i;
  return {((1 - f) * a[i][0] + f * a[i + 1][0]) / 255.0, ((1 - f) * a[i][1] + f * a[i + 1][1]) / 255.0,
          ((1 - f) * a[i][2] + f * a[i + 1][2]) / 255.0};
}

// Moreland's cool-warm diverging map (blue - light grey - red).
const unsigned char kCoolwarm[9][3] = {{59, 76, 192},   {98, 130, 234},  {141, 176, 254},
                                       {184, 208, 249}, {221, 221, 221}, {245, 196, 173},
                                       {244, 154, 123}, {222, 96, 77},   {180, 4, 38}};
// ColorBrewer RdBu (11 classes), reversed so that high values are red.
const unsigned char kRdBu[11][3] = {{5, 48, 97},     {33, 102, 172},  {67, 147, 195}, {146, 197, 222},
                                    {209, 229, 240}, {247, 247, 247}, {253, 219, 199}, {244, 165, 130},
                                    {214, 96, 77},   {178, 24, 43},   {103, 0, 31}};

uint32_t Pack(const Rgb3& c) {
  auto q = [](double v) { return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); };
  return 0xFF000000u | (q(c.r) << 16) | (q(c.g) << 8) | q(c.b);
}

}  // namespace

Colormap::Colormap(Id id) : id_(id) {
  for (int i = 0; i < 256; ++i) {
    const double t = i / 255.0;
    Rgb3 c{t, t, t};
    switch (id) {
      case Id::kViridis: c = Poly6(kViridis, t); break;
      case Id::kInferno: c = Poly6(kInferno, t); break;
      case Id::kMagma: c = Poly6(kMagma, t); break;
      case Id::kPlasma: c = Poly6(kPlasma, t); break;
      case Id::kTurbo: c = Turbo(t); break;
      case Id::kCoolwarm: c = Anchors(kCoolwarm, 9, t); break;
      case Id::kRdBu: c = Anchors(kRdBu, 11, t); break;
      case Id::kCount: break;
    }
    lut_[static_cast<size_t>(i)] = Pack(c);
  }
}

uint32_t Colormap::Rgb(float v) const {
  const int i = std::clamp(static_cast<int>(v * 255.f + 0.5f), 0, 255);
  return lut_[static_cast<size_t>(i)];
}

void Colormap::Colorize(const float* map, int w, int h, float opacity, float threshold, QImage* out) const {
  if (out->width() != w || out->height() != h || out->format() != QImage::Format_ARGB32_Premultiplied) {
    *out = QImage(w, h, QImage::Format_ARGB32_Premultiplied);
  }
  // Premultiply the LUT once per call (256 entries) instead of once per pixel. Alpha ramps up
  // over the lower half above the threshold, so faint values fade in instead of drawing a hard
  // dark disc over the frame.
  const float op = std::clamp(opacity, 0.f, 1.f);
  std::array<uint32_t, 256> pre;
  for (size_t i = 0; i < 256; ++i) {
    const float t = static_cast<float>(i) / 255.f;
    const float ramp = threshold < 1.f ? std::clamp(2.f * (t - threshold) / (1.f - threshold), 0.f, 1.f) : 1.f;
    const uint32_t a = static_cast<uint32_t>(op * ramp * 255.f + 0.5f);
    const uint32_t c = lut_[i];
    const uint32_t r = ((c >> 16) & 0xFF) * a / 255, g = ((c >> 8) & 0xFF) * a / 255, b = (c & 0xFF) * a / 255;
    pre[i] = (a << 24) | (r << 16) | (g << 8) | b;
  }
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<uint32_t*>(out->scanLine(y));
    const float* m = map + static_cast<size_t>(y) * static_cast<size_t>(w);
    for (int x = 0; x < w; ++x) {
      const float v = m[x];
      if (!(v >= threshold)) {  // also catches NaN
        line[x] = 0;
        continue;
      }
      const int i = std::clamp(static_cast<int>(v * 255.f + 0.5f), 0, 255);
      line[x] = pre[static_cast<size_t>(i)];
    }
  }
}

QImage Colormap::Bar(int width, int height, bool vertical) const {
  QImage img(std::max(1, width), std::max(1, height), QImage::Format_RGB32);
  for (int y = 0; y < img.height(); ++y) {
    auto* line = reinterpret_cast<uint32_t*>(img.scanLine(y));
    for (int x = 0; x < img.width(); ++x) {
      const float t = vertical ? 1.f - static_cast<float>(y) / std::max(1, img.height() - 1)
                               : static_cast<float>(x) / std::max(1, img.width() - 1);
      line[x] = Rgb(t);
    }
  }
  return img;
}

QStringList Colormap::Names() {
  return {QCoreApplication::translate("Colormap", "Viridis"),
          QCoreApplication::translate("Colormap", "Inferno"),
          QCoreApplication::translate("Colormap", "Magma"),
          QCoreApplication::translate("Colormap", "Plasma"),
          QCoreApplication::translate("Colormap", "Turbo"),
          QCoreApplication::translate("Colormap", "Cool-warm (diverging)"),
          QCoreApplication::translate("Colormap", "Red-blue (diverging)")};
}

QString Colormap::Key(Id id) {
  static const char* kKeys[] = {"viridis", "inferno", "magma", "plasma", "turbo", "coolwarm", "rdbu"};
  const int i = static_cast<int>(id);
  return i >= 0 && i < static_cast<int>(Id::kCount) ? QString::fromLatin1(kKeys[i]) : QString();
}

Colormap::Id Colormap::FromKey(const QString& key, Id fallback) {
  for (int i = 0; i < static_cast<int>(Id::kCount); ++i) {
    if (Key(static_cast<Id>(i)) == key) return static_cast<Id>(i);
  }
  return fallback;
}

}  // namespace autofocus
