#pragma once

// Prompt templates: text files with {{name}} placeholders, looked up in a per-project override
// directory first and in resources/prompts/ otherwise.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace autofocus {

// The resources directory (the one holding prompts/), searched in this order:
// 1. $AUTOFOCUS_RESOURCES when set (must exist, else Error);
// 2. <executable dir>/../share/autofocus-studio (a relocated install);
// 3. the install prefix's share/autofocus-studio (compile-time);
// 4. the source tree's resources/ (compile-time, for builds run in place).
// Throws Error listing the places tried when none holds a prompts/ folder.
std::filesystem::path ResourcesDir();

// One loaded template.
class PromptTemplate {
 public:
  // Reads `path`; throws Error naming the file when it cannot be read or a placeholder is
  // malformed (unterminated "{{" or a name other than [A-Za-z0-9_]).
  static PromptTemplate Load(const std::filesystem::path& path);
  // Builds a template from text; `name` is used in errors and records.
  static PromptTemplate FromText(const std::string& name, const std::string& text);

  // File name, e.g. "key_objects_driving.txt".
  const std::string& name() const { return name_; }
  // Full path it was read from (empty for FromText).
  const std::filesystem::path& path() const { return path_; }
  // The raw text.
  const std::string& text() const { return text_; }
  // SHA-256 of the raw text (recorded with every answer).
  const std::string& hash() const { return hash_; }
  // Distinct placeholder names in order of first use.
  const std::vector<std::string>& placeholders() const { return placeholders_; }

  // Replaces every {{name}} by values.at(name). A placeholder without a value throws Error
  // naming the template file and the placeholder; values the template does not use are ignored.
  // Substituted text is not scanned again.
  std::string Render(const std::map<std::string, std::string>& values) const;

 private:
  std::string name_;
  std::filesystem::path path_;
  std::string text_;
  std::string hash_;
  std::vector<std::string> placeholders_;
};

// Loads `file_name` from `override_dir` when that file exists there, else from
// ResourcesDir()/prompts. An empty override_dir skips the first step.
PromptTemplate LoadPromptTemplate(const std::string& file_name,
                                  const std::filesystem::path& override_dir = {});

}  // namespace autofocus
