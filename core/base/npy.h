#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace autofocus {

// Writes a C-ordered float32 array as a NumPy .npy file (format version 1.0, little endian),
// atomically. `data.size()` must equal the product of `shape`.
void WriteNpyFloat32(const std::filesystem::path& path, const std::vector<int64_t>& shape,
                     const float* data, size_t count);

// Writes a C-ordered array as NumPy float16 ('<f2'), atomically: each value rounded to the
// nearest half (overflow becomes +-inf). Used for caches where half the size matters.
void WriteNpyFloat16(const std::filesystem::path& path, const std::vector<int64_t>& shape,
                     const float* data, size_t count);

// IEEE 754 binary16 <-> binary32 (round to nearest even).
uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t half);

// A float32 array read back from .npy (only what WriteNpyFloat32 writes: '<f4', C order).
struct NpyArray {
  std::vector<int64_t> shape;  // dimensions, outermost first
  std::vector<float> data;     // C-ordered values
};

// Reads a '<f4' C-ordered .npy file; throws Error naming the file on anything else.
NpyArray ReadNpyFloat32(const std::filesystem::path& path);

// Reads a C-ordered little-endian float16, float32 or float64 .npy file converted to float32
// (maps written by numpy default to float64); throws Error naming the file on anything else.
NpyArray ReadNpyAsFloat32(const std::filesystem::path& path);

}  // namespace autofocus
