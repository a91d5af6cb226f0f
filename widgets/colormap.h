#pragma once

#include <QImage>
#include <QString>
#include <QStringList>
#include <array>
#include <cstdint>

namespace autofocus {

// A 256-entry colour lookup table for scalar maps in [0,1]. Perceptual maps (viridis, inferno,
// magma, plasma) are monotonic in lightness; diverging maps (coolwarm, RdBu) are centred at 0.5.
class Colormap {
 public:
  // The colormaps offered in the UI, by stable id.
  enum class Id { kViridis = 0, kInferno, kMagma, kPlasma, kTurbo, kCoolwarm, kRdBu, kCount };

  // Builds the LUT of `id`.
  explicit Colormap(Id id = Id::kInferno);

  Id id() const { return id_; }
  // Whether the map is diverging (centred) rather than sequential.
  bool diverging() const { return id_ == Id::kCoolwarm || id_ == Id::kRdBu; }
  // Packed 0xAARRGGBB (alpha 255) of value v in [0,1] (clamped).
  uint32_t Rgb(float v) const;
  // The 256 entries, 0xFFRRGGBB.
  const std::array<uint32_t, 256>& lut() const { return lut_; }

  // Writes `map` (w x h floats in [0,1]) into `out` (ARGB32_Premultiplied, resized as needed):
  // colour lut[v]; alpha = opacity * 255 * min(1, 2 (v - threshold) / (1 - threshold)) for
  // v >= threshold (a fade-in over the lower half), fully transparent below.
  void Colorize(const float* map, int w, int h, float opacity, float threshold, QImage* out) const;
  // A horizontal (or vertical, bottom = 0) colour bar image.
  QImage Bar(int width, int height, bool vertical = false) const;

  // Display names in Id order (translated by the caller's context).
  static QStringList Names();
  // Stable keys in Id order ("viridis", ...), for QSettings.
  static QString Key(Id id);
  static Id FromKey(const QString& key, Id fallback = Id::kInferno);

 private:
  Id id_;
  std::array<uint32_t, 256> lut_{};
};

}  // namespace autofocus
