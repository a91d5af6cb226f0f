#include "core/base/npy.h"

#include <cstring>
#include <regex>
#include <string>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace autofocus {

void WriteNpyFloat32(const std::filesystem::path& path, const std::vector<int64_t>& shape,
                     const float* data, size_t count) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  if (n != static_cast<int64_t>(count)) {
    throw Error(path.string(), "", "array size does not match its shape");
  }
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
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
  out.reserve(10 + dict.size() + count * 4);
  out.append("\x93NUMPY", 6);
  out.push_back('\x01');
  out.push_back('\x00');
  const uint16_t hlen = static_cast<uint16_t>(dict.size());
  out.push_back(static_cast<char>(hlen & 0xff));
  out.push_back(static_cast<char>(hlen >> 8));
  out += dict;
  static_assert(sizeof(float) == 4, "float must be 32-bit");
  out.append(reinterpret_cast<const char*>(data), count * 4);  // x86/ARM are little endian
  WriteFileAtomic(path, out);
}

NpyArray ReadNpyFloat32(const std::filesystem::path& path) {
  const std::string bytes = ReadFile(path);
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
    for (int i = 0; i < 4; ++i) hlen |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
    off = 12;
  }
  if (bytes.size() < off + hlen) throw Error(path.string(), "", "truncated header");
  const std::string header = bytes.substr(off, hlen);
  if (header.find("'<f4'") == std::string::npos) {
    throw Error(path.string(), "descr", "only little-endian float32 ('<f4') is supported");
  }
  if (header.find("'fortran_order': False") == std::string::npos) {
    throw Error(path.string(), "fortran_order", "only C-ordered arrays are supported");
  }
  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('shape':\s*\(([^)]*)\))"))) {
    throw Error(path.string(), "shape", "missing");
  }
  NpyArray arr;
  std::string dims = m[1];
  size_t count = 1;
  for (const auto& tok : std::vector<std::string>{[&] {
         std::vector<std::string> v;
         std::string cur;
         for (char c : dims) {
           if (c == ',') { v.push_back(cur); cur.clear(); } else if (c != ' ') cur += c;
         }
         v.push_back(cur);
         return v;
       }()}) {
    if (tok.empty()) continue;
    arr.shape.push_back(std::stoll(tok));
    count *= static_cast<size_t>(arr.shape.back());
  }
  const size_t data_off = off + hlen;
  if (bytes.size() - data_off != count * 4) {
    throw Error(path.string(), "", "data size does not match the shape in the header");
  }
  arr.data.resize(count);
  std::memcpy(arr.data.data(), bytes.data() + data_off, count * 4);
  return arr;
}

}  // namespace autofocus
