#include "core/base/npy.h"

#include <cstring>
#include <regex>
#include <string>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace autofocus {

namespace {

// A parsed .npy header: element type, shape and where the data starts.
struct NpyHeader {
  std::string descr;  // '<f2', '<f4', '<f8', ...
  std::vector<int64_t> shape;
  size_t count = 1;     // product of shape
  size_t data_off = 0;  // byte offset of the data
};

NpyHeader ParseNpyHeader(const std::string& bytes, const std::filesystem::path& path) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    throw Error(path.string(), "", "not a .npy file");
  }
  const uint8_t major = static_cast<uint8_t>(bytes[6]);
  size_t hlen = 0, off = 0;
  if (major == 1) {
    hlen = static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    off = 10;
  } else {
    if (bytes.size() < 12) throw Error(path.string(), "", "truncated header");
    hlen = 0;
    for (int i = 0; i < 4; ++i)
      hlen |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
    off = 12;
  }
  if (bytes.size() < off + hlen) throw Error(path.string(), "", "truncated header");
  const std::string header = bytes.substr(off, hlen);
  NpyHeader h;
  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr':\s*'([^']*)')"))) {
    throw Error(path.string(), "descr", "missing");
  }
  h.descr = m[1];
  if (header.find("'fortran_order': False") == std::string::npos) {
    throw Error(path.string(), "fortran_order", "only C-ordered arrays are supported");
  }
  if (!std::regex_search(header, m, std::regex(R"('shape':\s*\(([^)]*)\))"))) {
    throw Error(path.string(), "shape", "missing");
  }
  std::string dims = m[1];
  std::string cur;
  dims += ',';
  for (char c : dims) {
    if (c == ',') {
      if (!cur.empty()) {
        h.shape.push_back(std::stoll(cur));
        h.count *= static_cast<size_t>(h.shape.back());
      }
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  h.data_off = off + hlen;
  return h;
}

void CheckDataSize(const std::string& bytes, const NpyHeader& h, size_t item,
                   const std::filesystem::path& path) {
  if (bytes.size() - h.data_off != h.count * item) {
    throw Error(path.string(), "", "data size does not match the shape in the header");
  }
}

// Writes the NPY v1 header for `descr` and `shape` followed by `payload`, atomically.
void WriteNpy(const std::filesystem::path& path, const std::string& descr,
              const std::vector<int64_t>& shape, size_t count, const char* payload,
              size_t payload_bytes) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  if (n != static_cast<int64_t>(count)) {
    throw Error(path.string(), "", "array size does not match its shape");
  }
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  // Magic (6) + version (2) + header length (2) + dict, padded with spaces to a multiple of 64
  // and ended by '\n', as the NPY v1 specification asks.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string out;
  out.reserve(10 + dict.size() + payload_bytes);
  out.append("\x93NUMPY", 6);
  out.push_back('\x01');
  out.push_back('\x00');
  const uint16_t hlen = static_cast<uint16_t>(dict.size());
  out.push_back(static_cast<char>(hlen & 0xff));
  out.push_back(static_cast<char>(hlen >> 8));
  out += dict;
  out.append(payload, payload_bytes);  // x86/ARM are little endian
  WriteFileAtomic(path, out);
}

}  // namespace

uint16_t FloatToHalf(float value) {
  uint32_t x;
  std::memcpy(&x, &value, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t exp = (x >> 23) & 0xffu;
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));  // inf/NaN
  int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow -> inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit-1 mantissa, round to nearest even.
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - e;
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1u), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fffu;
  // Round to nearest even; a carry into the exponent is the correct result (up to inf).
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (static_cast<uint32_t>(h) & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, x;
  if (exp == 0) {
    if (mant == 0) {
      x = sign;
    } else {
      // Subnormal: normalise.
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      x = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 31) {
    x = sign | 0x7f800000u | (mant << 13);
  } else {
    x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

void WriteNpyFloat32(const std::filesystem::path& path, const std::vector<int64_t>& shape,
                     const float* data, size_t count) {
  static_assert(sizeof(float) == 4, "float must be 32-bit");
  WriteNpy(path, "<f4", shape, count, reinterpret_cast<const char*>(data), count * 4);
}

void WriteNpyFloat16(const std::filesystem::path& path, const std::vector<int64_t>& shape,
                     const float* data, size_t count) {
  std::vector<uint16_t> half(count);
  for (size_t i = 0; i < count; ++i) half[i] = FloatToHalf(data[i]);
  WriteNpy(path, "<f2", shape, count, reinterpret_cast<const char*>(half.data()), count * 2);
}

NpyArray ReadNpyFloat32(const std::filesystem::path& path) {
  const std::string bytes = ReadFile(path);
  const NpyHeader h = ParseNpyHeader(bytes, path);
  if (h.descr != "<f4") {
    throw Error(path.string(), "descr", "only little-endian float32 ('<f4') is supported");
  }
  CheckDataSize(bytes, h, 4, path);
  NpyArray arr;
  arr.shape = h.shape;
  arr.data.resize(h.count);
  std::memcpy(arr.data.data(), bytes.data() + h.data_off, h.count * 4);
  return arr;
}

NpyArray ReadNpyAsFloat32(const std::filesystem::path& path) {
  const std::string bytes = ReadFile(path);
  const NpyHeader h = ParseNpyHeader(bytes, path);
  NpyArray arr;
  arr.shape = h.shape;
  arr.data.resize(h.count);
  const char* p = bytes.data() + h.data_off;
  if (h.descr == "<f4") {
    CheckDataSize(bytes, h, 4, path);
    std::memcpy(arr.data.data(), p, h.count * 4);
  } else if (h.descr == "<f2") {
    CheckDataSize(bytes, h, 2, path);
    for (size_t i = 0; i < h.count; ++i) {
      uint16_t v;
      std::memcpy(&v, p + 2 * i, 2);
      arr.data[i] = HalfToFloat(v);
    }
  } else if (h.descr == "<f8") {
    CheckDataSize(bytes, h, 8, path);
    for (size_t i = 0; i < h.count; ++i) {
      double v;
      std::memcpy(&v, p + 8 * i, 8);
      arr.data[i] = static_cast<float>(v);
    }
  } else {
    throw Error(path.string(), "descr",
                "dtype '" + h.descr + "' is not supported (little-endian float16/32/64 are)");
  }
  return arr;
}

}  // namespace autofocus
