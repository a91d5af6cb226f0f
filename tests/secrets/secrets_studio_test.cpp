// Secrets never reach a file from the studio: its Runs panel runs the pipeline over HTTP with a
// key variable; afterwards neither the project nor the studio's settings (QSettings) nor
// anything else under the test's folder holds the key's value. The variable's name is kept.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <QSettings>
#include <QSignalSpy>

#include "core/sim/sample_project.h"
#include "tests/pipeline_http/loopback_model_server.h"
#include "tests/secrets/secret_scan.h"
#include "tests/support/test_support.h"
#include "widgets/curation_install.h"
#include "widgets/main_window.h"
#include "widgets/runs_panel.h"

namespace autofocus {
namespace {
namespace fs = std::filesystem;

constexpr const char* kKeyVar = "AF_CANARY_KEY";
constexpr const char* kKey = "sk-CANARY-studio-4b8e2f60-do-not-write";
constexpr const char* kModel = "loopback-vlm";

TEST(SecretsStudio, RunsPanelOverHttpWritesTheKeyNowhere) {
  testing::TempDir root;
  // Settings go into the test's folder so that they are scanned with everything else.
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                     QString::fromStdString((root / "settings").string()));
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                     QString::fromStdString((root / "settings").string()));
  ::setenv(kKeyVar, kKey, 1);
  const fs::path p = root / "P";
  sim::SampleWorldOptions w;
  w.episodes = 2;
  w.frames = 20;
  w.seed = 11;
  sim::GenerateSampleProject(w, p);
  testing::LoopbackModelServer server(kModel);
  server.AddProject(p);
  {
    MainWindow window;
    ASSERT_TRUE(window.OpenProject(QString::fromStdString(p.string())));
    const CurationUi ui = FindCurationUi(&window);
    ASSERT_NE(ui.runs, nullptr);
    RunSettings s;
    s.vlm_kind = "openai";
    s.vlm_url = QString::fromStdString(server.url());
    s.vlm_model = kModel;
    s.vlm_key_env = kKeyVar;
    s.detector_kind = "roboflow";
    s.detector_url = QString::fromStdString(server.url());
    ui.runs->SetSettings(s);
    QSignalSpy finished(ui.runs, &RunsPanel::runFinished);
    ASSERT_TRUE(ui.runs->StartRun());
    ASSERT_TRUE(finished.wait(120000));
    EXPECT_TRUE(finished.front().front().toBool());
  }
  QSettings().sync();
  int bearer = 0;
  for (const auto& req : server.requests())
    if (req.headers.count("authorization") &&
        req.headers.at("authorization") == std::string("Bearer ") + kKey)
      ++bearer;
  EXPECT_GT(bearer, 0) << "the run did not use the key";
  const QString settings_file = QSettings().fileName();
  ASSERT_TRUE(settings_file.startsWith(QString::fromStdString(root.path().string())))
      << settings_file.toStdString();
  EXPECT_NE(testing::ReadText(settings_file.toStdString()).find(kKeyVar), std::string::npos)
      << "the panel remembers the variable's name";
  const auto scan = testing::ScanForSecretChecked(root.path(), kKey);
  EXPECT_TRUE(scan.hits.empty()) << scan.hits.front();
  ::unsetenv(kKeyVar);
}

}  // namespace
}  // namespace autofocus
