#include "core/base/json_io.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/base/atomic_file.h"
#include "core/base/json_int.h"
#include "core/base/error.h"

namespace autofocus {

Json ParseJsonText(const std::string& text, const std::string& origin) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports a byte offset; users want line and column.
    size_t line = 1, col = 1;
    const size_t end = std::min(static_cast<size_t>(e.byte), text.size());
    for (size_t i = 0; i + 1 < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    const auto pos = what.find("syntax error");
    throw Error(origin, "line " + std::to_string(line) + ", column " + std::to_string(col),
                "malformed JSON (" + (pos == std::string::npos ? what : what.substr(pos)) + ")");
  } catch (const Json::exception& e) {
    // e.g. out_of_range for a number such as 1e400 that no double can hold.
    throw Error(origin, "", std::string("malformed JSON (") + e.what() + ")");
  }
}

Json LoadJsonFile(const std::filesystem::path& path) {
  return ParseJsonText(ReadFile(path), path.string());
}

void SaveJsonFile(const std::filesystem::path& path, const Json& value, int indent) {
  std::string text = value.dump(indent);
  text += '\n';
  WriteFileAtomic(path, text);
}

int JsonToInt(const Json& v, const std::string& file, const std::string& where) {
  constexpr double kMin = std::numeric_limits<int>::min(), kMax = std::numeric_limits<int>::max();
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    const int64_t i = v.get<int64_t>();
    if (i >= kMin && i <= kMax) return static_cast<int>(i);
  } else if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() <= static_cast<uint64_t>(kMax)) return static_cast<int>(v.get<uint64_t>());
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d >= kMin && d <= kMax && std::floor(d) == d) return static_cast<int>(d);
  } else {
    throw Error(file, where, "must be an integer, got " + std::string(v.type_name()));
  }
  throw Error(file, where, "must be an integer within +-2147483647, got " + v.dump());
}

const Json& RequireField(const Json& obj, const std::string& key, const std::string& file,
                         const std::string& where) {
  if (!obj.is_object()) throw Error(file, where.empty() ? "(root)" : where, "expected an object");
  auto it = obj.find(key);
  if (it == obj.end()) {
    throw Error(file, where.empty() ? key : where + "." + key, "missing field");
  }
  return *it;
}

}  // namespace autofocus
