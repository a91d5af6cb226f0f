// Secrets never reach a file: the pipeline over HTTP (VLM + detector with a key), the endpoint
// doctor, training, three exports and the run listing, all with a recognisable fake key in the
// environment and HOME, XDG_* and TMPDIR pointed into the test's folder, so that every file the
// programs write (project, runs, exports, logs, caches, settings) is under one root. Then every
// byte under it is searched for the key: zero hits.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "core/sim/sample_project.h"
#include "tests/pipeline_http/loopback_model_server.h"
#include "tests/secrets/secret_scan.h"
#include "tests/support/test_support.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;
using testing::LoopbackModelServer;
using testing::TempDir;

constexpr const char* kKeyVar = "AF_CANARY_KEY";
constexpr const char* kKey = "sk-CANARY-0d5e7c1b9a-do-not-write";
constexpr const char* kModel = "loopback-vlm";

// Runs the CLI and keeps its stdout and stderr as log files under `logs`.
testing::RunResult Logged(const fs::path& logs, const std::string& name,
                          const std::vector<std::string>& args) {
  const auto r = testing::RunCli(args);
  std::ofstream(logs / (name + ".out")) << r.out;
  std::ofstream(logs / (name + ".err")) << r.err;
  return r;
}

TEST(Secrets, NoFileWrittenByRunDoctorTrainOrExportHoldsTheKey) {
  TempDir root;
  for (const char* d : {"home", "config", "cache", "data", "tmp", "logs", "exports"})
    fs::create_directories(root / d);
  ::setenv(kKeyVar, kKey, 1);
  ::setenv("HOME", (root / "home").c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (root / "config").c_str(), 1);
  ::setenv("XDG_CACHE_HOME", (root / "cache").c_str(), 1);
  ::setenv("XDG_DATA_HOME", (root / "data").c_str(), 1);
  ::setenv("TMPDIR", (root / "tmp").c_str(), 1);
  const fs::path p = root / "P", logs = root / "logs";
  sim::SampleWorldOptions w;
  w.episodes = 2;
  w.frames = 20;
  w.seed = 11;
  sim::GenerateSampleProject(w, p);
  LoopbackModelServer server(kModel);
  server.AddProject(p);

  const std::vector<std::string> backends = {
      "--vlm-url",  server.url(), "--vlm-model",    kModel,       "--vlm-key-env",      kKeyVar,
      "--detector", "roboflow",   "--detector-url", server.url(), "--detector-key-env", kKeyVar};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), backends.begin(), backends.end());
    return args;
  };
  auto r = Logged(logs, "run", with({"run", p.string(), "--progress", "json"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The key was used: sent as the Bearer token (VLM) and in the body (Roboflow).
  int bearer = 0, body = 0;
  for (const auto& req : server.requests()) {
    if (req.headers.count("authorization") &&
        req.headers.at("authorization") == std::string("Bearer ") + kKey)
      ++bearer;
    if (req.json.is_object() && req.json.value("api_key", "") == kKey) ++body;
  }
  EXPECT_GT(bearer, 0);
  EXPECT_GT(body, 0);
  // The doctor's structured test question shows no frame of the project, so the loopback
  // server refuses it: only what the doctor writes and prints matters here.
  Logged(logs, "doctor", with({"doctor"}));
  if (AUTOFOCUS_TEST_WITH_TORCH) {  // training needs LibTorch
    r = Logged(logs, "train",
               {"train", p.string(), "--target", "vlm", "--regularizer", "gabril_mse", "--epochs",
                "1", "--batch", "20", "--name", "canary", "--threads", "1", "--input-size", "36x64",
                "--progress", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  for (const char* format : {"folder", "robomimic", "coco"}) {
    const fs::path out =
        root / "exports" /
        (std::string(format) + (std::string(format) == "robomimic" ? ".hdf5" : ""));
    r = Logged(
        logs, std::string("export-") + format,
        {"export", p.string(), "--format", format, "--out", out.string(), "--progress", "json"});
    EXPECT_EQ(r.exit_code, 0) << format << r.out << r.err;
  }
  r = Logged(logs, "runs", {"runs", p.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Logged(logs, "info", {"info", p.string(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  const auto scan = testing::ScanForSecretChecked(root.path(), kKey);
  EXPECT_GT(scan.files, 100u);
  EXPECT_TRUE(scan.hits.empty()) << scan.hits.front();
  // The name of the variable is recorded (so a run can be repeated), the value never.
  EXPECT_NE(testing::ReadText(p / "project.json").find(kKeyVar), std::string::npos);
  ::unsetenv(kKeyVar);
}

}  // namespace
}  // namespace autofocus
