// `autofocus`: the command-line front end. Never creates a QApplication.
#include <cstdio>
#include <iostream>

#include "app/autofocus/command.h"
#include "core/about/version_info.h"
#include "core/base/error.h"

int main(int argc, char** argv) {
  using namespace autofocus;
  CLI::App app{"AutoFocus Studio command-line toolkit: VLM-supervised saliency for imitation learning"};
  app.name("autofocus");
  app.require_subcommand(1);
  // Computed only when asked: the library queries stay out of every other command's start-up.
  app.set_version_flag("--version", [] {
    const std::string qt = QtBuildVersion();
    return VersionReport("autofocus",
                         qt.empty() ? "not used by the CLI (this build has no studio)"
                                    : "not used by the CLI (the studio is built with " + qt + ")");
  });
  cli::Action action;
  for (const auto& setup : cli::RegisteredCommands()) setup(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << e.what() << "\nRun with --help for more information.\n";
    return cli::kExitUsage;
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return cli::kExitFailure;
  }
  if (!action) {
    std::cerr << "error: no command given\nRun with --help for more information.\n";
    return cli::kExitUsage;
  }
  try {
    return action();
  } catch (const Cancelled&) {
    std::cerr << "cancelled\n";
    return 130;
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return cli::kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return cli::kExitFailure;
  }
}
