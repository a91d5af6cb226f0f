#include "core/vlm/prompt_template.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/base/error.h"
#include "core/base/hash.h"
#include "core/base/strings.h"

namespace autofocus {
namespace fs = std::filesystem;
namespace {

struct Piece {
  bool placeholder;   // true: `text` is a placeholder name
  std::string text;   // literal text or placeholder name
};

// Splits a template into literal text and placeholders; shared by Load and Render so both agree
// on the syntax.
std::vector<Piece> Tokenize(const std::string& name, const std::string& text) {
  std::vector<Piece> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      out.push_back({false, text.substr(pos)});
      break;
    }
    out.push_back({false, text.substr(pos, open - pos)});
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      throw Error(name, "offset " + std::to_string(open), "unterminated '{{' placeholder");
    }
    std::string key = Trim(text.substr(open + 2, close - open - 2));
    bool ok = !key.empty();
    for (char c : key) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok) {
      throw Error(name, "offset " + std::to_string(open),
                  "bad placeholder name '" + key + "' (letters, digits and '_' only)");
    }
    out.push_back({true, key});
    pos = close + 2;
  }
  return out;
}

fs::path ExecutableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

fs::path ResourcesDir() {
  if (const char* env = std::getenv("AUTOFOCUS_RESOURCES"); env && *env) {
    fs::path p(env);
    if (!fs::is_directory(p / "prompts")) {
      throw Error(p.string(), "AUTOFOCUS_RESOURCES", "has no prompts/ folder");
    }
    return p;
  }
  std::vector<fs::path> candidates;
  fs::path exe_dir = ExecutableDir();
  if (!exe_dir.empty()) candidates.push_back(exe_dir / ".." / "share" / "autofocus-studio");
#ifdef AUTOFOCUS_INSTALL_RESOURCES_DIR
  candidates.push_back(AUTOFOCUS_INSTALL_RESOURCES_DIR);
#endif
#ifdef AUTOFOCUS_SOURCE_RESOURCES_DIR
  candidates.push_back(AUTOFOCUS_SOURCE_RESOURCES_DIR);
#endif
  std::string tried;
  for (const auto& c : candidates) {
    if (fs::is_directory(c / "prompts")) return fs::weakly_canonical(c);
    tried += (tried.empty() ? "" : ", ") + c.string();
  }
  throw Error("", "resources", "no resources/prompts folder found (tried " + tried +
                                   "); set AUTOFOCUS_RESOURCES");
}

PromptTemplate PromptTemplate::FromText(const std::string& name, const std::string& text) {
  PromptTemplate t;
  t.name_ = name;
  t.text_ = text;
  t.hash_ = Sha256Hex(text);
  for (const Piece& p : Tokenize(name, text)) {
    if (!p.placeholder) continue;
    bool seen = false;
    for (const auto& k : t.placeholders_) seen = seen || k == p.text;
    if (!seen) t.placeholders_.push_back(p.text);
  }
  return t;
}

PromptTemplate PromptTemplate::Load(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string(), "", "cannot read prompt template");
  std::ostringstream ss;
  ss << in.rdbuf();
  PromptTemplate t = FromText(path.filename().string(), ss.str());
  t.path_ = path;
  return t;
}

std::string PromptTemplate::Render(const std::map<std::string, std::string>& values) const {
  std::string out;
  const std::string& where = path_.empty() ? name_ : path_.string();
  for (const Piece& p : Tokenize(where, text_)) {
    if (!p.placeholder) {
      out += p.text;
      continue;
    }
    auto it = values.find(p.text);
    if (it == values.end()) {
      std::string known;
      for (const auto& [k, v] : values) known += (known.empty() ? "" : ", ") + k;
      throw Error(where, "{{" + p.text + "}}", "unknown placeholder (available: " + known + ")");
    }
    out += it->second;
  }
  return out;
}

PromptTemplate LoadPromptTemplate(const std::string& file_name, const fs::path& override_dir) {
  if (!override_dir.empty() && fs::exists(override_dir / file_name)) {
    return PromptTemplate::Load(override_dir / file_name);
  }
  fs::path p = ResourcesDir() / "prompts" / file_name;
  if (!fs::exists(p)) throw Error(p.string(), "", "prompt template not found");
  return PromptTemplate::Load(p);
}

}  // namespace autofocus
