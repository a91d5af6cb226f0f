#pragma once

// Man pages (troff, section 1) generated from the CLI11 definitions of the commands, so they say
// what --help says: `autofocus help-man DIR` and the companion programs' `--help-man DIR` write
// them at build time (app/CMakeLists.txt) and the package installs them.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace autofocus::cli {

// The man page of `app`: NAME, SYNOPSIS, DESCRIPTION, ARGUMENTS, OPTIONS, COMMANDS (visible
// subcommands), NOTES (the footer) and SEE ALSO; the project version in the page footer.
// `full_name` is the command as typed, e.g. "autofocus sim generate".
std::string ManPage(const CLI::App& app, const std::string& full_name);

// Writes ManPage() of `app` and, recursively, of each visible subcommand that is not a prefix
// command (those are passed to a companion program, which writes its own page) into `dir` as
// "<full name with '-' for ' '>.1". `full_name` defaults to app.get_name(). Returns the file
// names written; throws autofocus::Error when a file cannot be written.
std::vector<std::string> WriteManPages(const CLI::App& app, const std::filesystem::path& dir,
                                       const std::string& full_name = "");

// For the companion programs: when the arguments are exactly `--help-man DIR`, writes the man
// pages of `app` into DIR and returns the exit code (0, or 1 with the error on stderr);
// otherwise returns -1 and the program goes on to parse its arguments.
int MaybeWriteManPages(const CLI::App& app, int argc, char** argv);

}  // namespace autofocus::cli
