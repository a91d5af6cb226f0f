#include "app/autofocus/man_page.h"

#include <cctype>
#include <iostream>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"

namespace autofocus::cli {
namespace {
namespace fs = std::filesystem;

// Text as troff input: backslashes and hyphens escaped (so options copy-paste as "--"), and a
// line that starts with a control character ('.' or '\'') guarded with "\&".
std::string Escape(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  return s.substr(start);
}

std::string PageName(const std::string& full_name) {
  std::string name = full_name;
  for (char& c : name) c = c == ' ' ? '-' : c;
  return name;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Subcommands listed in --help: named, not hidden (an empty group hides one in CLI11).
std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app) {
  return app.get_subcommands(
      [](const CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); });
}

// One ".TP" entry: the option's names and value description in bold/italic, then its help.
void WriteOption(std::ostringstream& s, const CLI::Formatter& f, const CLI::Option* opt,
                 bool positional) {
  s << ".TP\n\\fB" << Escape(Trim(f.make_option_name(opt, positional))) << "\\fR";
  const std::string opts = Trim(f.make_option_opts(opt));
  if (!opts.empty()) s << " \\fI" << Escape(opts) << "\\fR";
  s << "\n";
  const std::string desc = Trim(f.make_option_desc(opt));
  s << (desc.empty() ? std::string("\\&") : Escape(desc)) << "\n";
}

}  // namespace

std::string ManPage(const CLI::App& app, const std::string& full_name) {
  const std::string version = AUTOFOCUS_MAN_VERSION;
  const CLI::Formatter f;  // the default formatter: the same text as --help
  const std::string page = PageName(full_name);
  std::ostringstream s;
  s << ".\\\" Generated from the command's CLI11 definition (app/autofocus/man_page.cpp); do not "
       "edit.\n";
  s << ".TH \"" << Escape(Upper(page)) << "\" \"1\" \"\" \"autofocus " << Escape(version)
    << "\" \"AutoFocus Studio\"\n";
  const std::string description = Trim(app.get_description());
  s << ".SH NAME\n"
    << Escape(page) << " \\- " << Escape(description.substr(0, description.find('\n'))) << "\n";
  std::string usage = Trim(f.make_usage(&app, full_name));
  if (usage.rfind("Usage:", 0) == 0) usage = Trim(usage.substr(6));
  s << ".SH SYNOPSIS\n.nf\n" << Escape(usage) << "\n.fi\n";
  s << ".SH DESCRIPTION\n" << Escape(description) << "\n";

  const auto positionals = app.get_options(
      [](const CLI::Option* o) { return o->get_positional() && !o->get_group().empty(); });
  if (!positionals.empty()) {
    s << ".SH ARGUMENTS\n";
    for (const CLI::Option* o : positionals) WriteOption(s, f, o, true);
  }
  const auto options = app.get_options(
      [](const CLI::Option* o) { return o->nonpositional() && !o->get_group().empty(); });
  if (!options.empty()) {
    s << ".SH OPTIONS\n";
    for (const CLI::Option* o : options) WriteOption(s, f, o, false);
  }
  const auto subs = VisibleSubcommands(app);
  if (!subs.empty()) {
    s << ".SH COMMANDS\n";
    for (const CLI::App* sub : subs) {
      s << ".TP\n\\fB" << Escape(sub->get_name()) << "\\fR\n"
        << Escape(Trim(sub->get_description())) << " See \\fB"
        << Escape(PageName(full_name + " " + sub->get_name())) << "\\fR(1).\n";
    }
  }
  const std::string footer = Trim(app.get_footer());
  if (!footer.empty()) s << ".SH NOTES\n" << Escape(footer) << "\n";
  std::vector<std::string> see_also;
  const auto space = full_name.rfind(' ');
  if (space != std::string::npos) see_also.push_back(PageName(full_name.substr(0, space)));
  for (const CLI::App* sub : subs) see_also.push_back(PageName(full_name + " " + sub->get_name()));
  if (!see_also.empty()) {
    s << ".SH SEE ALSO\n";
    for (size_t i = 0; i < see_also.size(); ++i)
      s << "\\fB" << Escape(see_also[i]) << "\\fR(1)" << (i + 1 < see_also.size() ? ",\n" : "\n");
  }
  return s.str();
}

std::vector<std::string> WriteManPages(const CLI::App& app, const fs::path& dir,
                                       const std::string& full_name) {
  const std::string name = full_name.empty() ? app.get_name() : full_name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir.string(), "help-man", "cannot create the directory: " + ec.message());
  std::vector<std::string> written = {PageName(name) + ".1"};
  WriteFileAtomic(dir / written.front(), ManPage(app, name));
  for (const CLI::App* sub : VisibleSubcommands(app)) {
    if (sub->get_prefix_command()) continue;  // the companion program writes this page
    for (auto& file : WriteManPages(*sub, dir, name + " " + sub->get_name()))
      written.push_back(std::move(file));
  }
  return written;
}

int MaybeWriteManPages(const CLI::App& app, int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--help-man") return -1;
  try {
    const fs::path dir = argv[2];
    const auto written = WriteManPages(app, dir);
    // `man autofocus-evaluate` finds the page of the command it implements.
    const std::string program = fs::path(argv[0]).filename().string();
    if (program + ".1" != written.front())
      WriteFileAtomic(dir / (program + ".1"), ".so man1/" + written.front() + "\n");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace autofocus::cli
