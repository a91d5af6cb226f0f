#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace autofocus {

using Json = nlohmann::json;

// Parses a JSON file; a missing file or a syntax error throws Error naming the file and, for
// syntax errors, the line and column.
Json LoadJsonFile(const std::filesystem::path& path);

// Parses JSON text; `origin` names where it came from in error messages.
Json ParseJsonText(const std::string& text, const std::string& origin);

// Writes JSON atomically (pretty-printed with `indent`, or compact with -1).
void SaveJsonFile(const std::filesystem::path& path, const Json& value, int indent = 2);

// Typed field access with errors that name the file and the JSON path of the field.
// `where` is the path of `obj` itself (e.g. "frames[3]").
const Json& RequireField(const Json& obj, const std::string& key, const std::string& file,
                         const std::string& where);

}  // namespace autofocus
