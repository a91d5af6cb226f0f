// `autofocus doctor [--vlm-url URL --vlm-model NAME --vlm-key-env VAR] [--detector roboflow
// --detector-url URL] [--config FILE]`: checks the configured model endpoints and prints one
// actionable line per check. Exit 0 only when every check passes.
#include <iostream>
#include <memory>

#include "app/autofocus/command.h"
#include "core/base/error.h"
#include "core/base/json_io.h"
#include "core/exchange/endpoint_doctor.h"

namespace autofocus::cli {
namespace {

struct DoctorCli {
  std::string config;          // config file (JSON); command-line values override it
  DoctorOptions cli;           // values given on the command line
  bool no_json_schema = false;  // --no-json-schema
};

int RunDoctorCommand(const DoctorCli& c) {
  DoctorOptions o;
  if (!c.config.empty()) o.MergeConfig(LoadJsonFile(c.config), c.config);
  // Command-line values win over the config file.
  if (!c.cli.vlm_url.empty()) o.vlm_url = c.cli.vlm_url;
  if (!c.cli.vlm_model.empty()) o.vlm_model = c.cli.vlm_model;
  if (!c.cli.vlm_key_env.empty()) o.vlm_key_env = c.cli.vlm_key_env;
  if (c.no_json_schema) o.use_json_schema = false;
  if (c.cli.vlm_images > 0) o.vlm_images = c.cli.vlm_images;
  if (!c.cli.detector.empty()) o.detector = c.cli.detector;
  if (!c.cli.detector_url.empty()) o.detector_url = c.cli.detector_url;
  if (!c.cli.detector_model.empty()) o.detector_model = c.cli.detector_model;
  if (!c.cli.detector_key_env.empty()) o.detector_key_env = c.cli.detector_key_env;
  if (c.cli.timeout_s > 0) o.timeout_s = c.cli.timeout_s;
  if (!o.detector_url.empty() && o.detector.empty()) o.detector = "roboflow";
  try {
    o.Check();
  } catch (const Error& e) {
    std::cerr << "autofocus doctor: " << e.what() << "\n";
    return kExitUsage;
  }
  int failed = 0, skipped = 0;
  RunDoctor(o, [&](const DoctorCheck& check) {
    failed += check.status == DoctorCheck::Status::kFail;
    skipped += check.status == DoctorCheck::Status::kSkip;
    std::cout << FormatDoctorCheck(check) << std::endl;  // flushed: checks can take a while
  });
  // A skip only follows a failure, so failures alone decide the exit code.
  if (failed > 0) {
    std::cout << failed << " check(s) failed, " << skipped << " skipped\n";
    return kExitFailure;
  }
  std::cout << "all checks passed\n";
  return kExitOk;
}

const bool kRegistered = RegisterCommand(80, [](CLI::App& root, Action& action) {
  auto c = std::make_shared<DoctorCli>();
  c->cli.vlm_images = 0;   // 0 = not given on the command line
  c->cli.timeout_s = 0;    // 0 = not given on the command line
  CLI::App* sub = root.add_subcommand(
      "doctor", "Check the VLM and detector endpoints (reachable, model, structured call)");
  sub->add_option("--config", c->config,
                  "JSON file with \"vlm\" and \"detector\" sections (see docs/exchange-cache.md)");
  sub->add_option("--vlm-url", c->cli.vlm_url, "VLM server root, e.g. http://127.0.0.1:8000");
  sub->add_option("--vlm-model", c->cli.vlm_model, "Model name the pipeline asks for");
  sub->add_option("--vlm-key-env", c->cli.vlm_key_env,
                  "Name of the environment variable holding the VLM API key");
  sub->add_flag("--no-json-schema", c->no_json_schema,
                "Do not send response_format json_schema (use_json_schema false)");
  sub->add_option("--vlm-images", c->cli.vlm_images,
                  "Images in the structured test call (default 1; use the frames per query)")
      ->check(CLI::Range(1, 64));
  sub->add_option("--detector", c->cli.detector,
                  "Detector kind to check: roboflow, or qwen (grounding on the VLM's server unless "
                  "--detector-url/--detector-model/--detector-key-env say otherwise)")
      ->check(CLI::IsMember({"roboflow", "qwen"}));
  sub->add_option("--detector-model", c->cli.detector_model, "Detector model name (qwen; default: the VLM's)");
  sub->add_option("--detector-url", c->cli.detector_url,
                  "Detector server root, e.g. http://127.0.0.1:9001");
  sub->add_option("--detector-key-env", c->cli.detector_key_env,
                  "Name of the environment variable holding the detector API key");
  sub->add_option("--timeout", c->cli.timeout_s, "Per-request time limit in seconds (default 120)")
      ->check(CLI::PositiveNumber);
  sub->callback([c, &action] { action = [c] { return RunDoctorCommand(*c); }; });
});

}  // namespace
}  // namespace autofocus::cli
