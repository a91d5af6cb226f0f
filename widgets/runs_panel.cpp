#include "widgets/runs_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>
#include <mutex>

#include "core/base/error.h"
#include "core/exchange/endpoint_doctor.h"
#include "core/exchange/exchange_cache.h"
#include "core/pipeline/backend_factory.h"
#include "core/pipeline/pipeline.h"
#include "widgets/log_model.h"
#include "widgets/studio_document.h"
#include "widgets/studio_jobs.h"

namespace autofocus {
namespace {

QString Join(const std::vector<std::string>& parts) {
  QStringList out;
  for (const auto& p : parts) out << QString::fromStdString(p);
  return out.join(", ");
}

}  // namespace

Json RunSettings::Apply(Json base) const {
  if (vlm_kind == "openai") {
    base["vlm"] = {{"kind", "openai"}, {"base_url", vlm_url.toStdString()}};
    if (!vlm_model.isEmpty()) base["vlm"]["model"] = vlm_model.toStdString();
    if (!vlm_key_env.isEmpty()) base["vlm"]["api_key_env"] = vlm_key_env.toStdString();
  } else {
    base["vlm"] = {{"kind", vlm_kind.toStdString()}};
  }
  base["detector"] = {{"kind", detector_kind.toStdString()}};
  if (!detector_url.isEmpty()) base["detector"]["base_url"] = detector_url.toStdString();
  if (!detector_model.isEmpty()) {
    base["detector"][detector_kind == "torchscript" ? "model_path" : "model"] = detector_model.toStdString();
  }
  return base;
}

RunsPanel::RunsPanel(StudioDocument* doc, LogModel* log, QWidget* parent) : QWidget(parent), doc_(doc), log_(log) {
  setObjectName("runsPanel");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* eps_box = new QGroupBox(tr("Episodes (none checked = all)"), this);
  auto* eps_layout = new QVBoxLayout(eps_box);
  episodes_ = new QListWidget(eps_box);
  episodes_->setObjectName("runEpisodes");
  episodes_->setMaximumHeight(140);
  eps_layout->addWidget(episodes_);
  auto* sel_row = new QHBoxLayout;
  auto* all = new QPushButton(tr("Check All"), eps_box);
  auto* none = new QPushButton(tr("Check None"), eps_box);
  auto* current = new QPushButton(tr("Current Only"), eps_box);
  sel_row->addWidget(all);
  sel_row->addWidget(none);
  sel_row->addWidget(current);
  eps_layout->addLayout(sel_row);
  layout->addWidget(eps_box);

  auto* backend = new QGroupBox(tr("Backends"), this);
  auto* form = new QFormLayout(backend);
  vlm_kind_ = new QComboBox(backend);
  vlm_kind_->setObjectName("runVlmKind");
  vlm_kind_->addItem(tr("Scene oracle (sample world)"), "oracle");
  vlm_kind_->addItem(tr("OpenAI-compatible server"), "openai");
  vlm_url_ = new QLineEdit(backend);
  vlm_url_->setObjectName("runVlmUrl");
  vlm_url_->setPlaceholderText("http://127.0.0.1:8000");
  vlm_model_ = new QLineEdit(backend);
  vlm_model_->setObjectName("runVlmModel");
  vlm_key_env_ = new QLineEdit(backend);
  vlm_key_env_->setObjectName("runVlmKeyEnv");
  vlm_key_env_->setPlaceholderText(tr("name of the variable, e.g. OPENAI_API_KEY"));
  vlm_key_env_->setToolTip(tr("The API key itself is never stored: only the name of the environment variable that holds it."));
  det_kind_ = new QComboBox(backend);
  det_kind_->setObjectName("runDetectorKind");
  for (const char* k : {"oracle", "qwen", "roboflow", "torchscript"}) det_kind_->addItem(QString::fromLatin1(k), QString::fromLatin1(k));
  det_url_ = new QLineEdit(backend);
  det_url_->setObjectName("runDetectorUrl");
  det_model_ = new QLineEdit(backend);
  det_model_->setObjectName("runDetectorModel");
  form->addRow(tr("VLM"), vlm_kind_);
  form->addRow(tr("Endpoint URL"), vlm_url_);
  form->addRow(tr("Model"), vlm_model_);
  form->addRow(tr("API key variable"), vlm_key_env_);
  form->addRow(tr("Detector"), det_kind_);
  form->addRow(tr("Detector URL"), det_url_);
  form->addRow(tr("Detector model"), det_model_);
  layout->addWidget(backend);

  auto* buttons = new QHBoxLayout;
  check_ = new QPushButton(tr("Check Connection"), this);
  check_->setObjectName("runCheckConnection");
  run_ = new QPushButton(tr("Run Pipeline"), this);
  run_->setObjectName("runStart");
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName("runCancel");
  cancel_->setEnabled(false);
  buttons->addWidget(check_);
  buttons->addStretch(1);
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  layout->addLayout(buttons);
  progress_ = new QProgressBar(this);
  progress_->setObjectName("runProgress");
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_ = new QLabel(tr("Idle"), this);
  status_->setObjectName("runStatus");
  status_->setWordWrap(true);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addStretch(1);

  connect(all, &QPushButton::clicked, this, [this] {
    for (int i = 0; i < episodes_->count(); ++i) episodes_->item(i)->setCheckState(Qt::Checked);
  });
  connect(none, &QPushButton::clicked, this, [this] { SetCheckedEpisodes({}); });
  connect(current, &QPushButton::clicked, this, [this] { SetCheckedEpisodes({doc_->currentEpisodeName()}); });
  connect(check_, &QPushButton::clicked, this, &RunsPanel::CheckConnection);
  connect(run_, &QPushButton::clicked, this, &RunsPanel::StartRun);
  connect(cancel_, &QPushButton::clicked, this, &RunsPanel::Cancel);
  auto update_enabled = [this] {
    const bool openai = vlm_kind_->currentData().toString() == "openai";
    vlm_url_->setEnabled(openai);
    vlm_model_->setEnabled(openai);
    vlm_key_env_->setEnabled(openai);
    const bool remote = det_kind_->currentData().toString() != "oracle";
    det_url_->setEnabled(remote);
    det_model_->setEnabled(remote);
  };
  connect(vlm_kind_, qOverload<int>(&QComboBox::currentIndexChanged), this, update_enabled);
  connect(det_kind_, qOverload<int>(&QComboBox::currentIndexChanged), this, update_enabled);
  connect(doc_, &StudioDocument::projectChanged, this, &RunsPanel::Populate);

  QSettings st;
  RunSettings s;
  s.vlm_kind = st.value("runs/vlm_kind", s.vlm_kind).toString();
  s.vlm_url = st.value("runs/vlm_url").toString();
  s.vlm_model = st.value("runs/vlm_model").toString();
  s.vlm_key_env = st.value("runs/vlm_key_env").toString();
  s.detector_kind = st.value("runs/detector_kind", s.detector_kind).toString();
  s.detector_url = st.value("runs/detector_url").toString();
  s.detector_model = st.value("runs/detector_model").toString();
  SetSettings(s);
  update_enabled();
  Populate();
}

RunsPanel::~RunsPanel() = default;

RunSettings RunsPanel::settings() const {
  RunSettings s;
  s.vlm_kind = vlm_kind_->currentData().toString();
  s.vlm_url = vlm_url_->text().trimmed();
  s.vlm_model = vlm_model_->text().trimmed();
  s.vlm_key_env = vlm_key_env_->text().trimmed();
  s.detector_kind = det_kind_->currentData().toString();
  s.detector_url = det_url_->text().trimmed();
  s.detector_model = det_model_->text().trimmed();
  return s;
}

void RunsPanel::SetSettings(const RunSettings& s) {
  vlm_kind_->setCurrentIndex(std::max(0, vlm_kind_->findData(s.vlm_kind)));
  vlm_url_->setText(s.vlm_url);
  vlm_model_->setText(s.vlm_model);
  vlm_key_env_->setText(s.vlm_key_env);
  det_kind_->setCurrentIndex(std::max(0, det_kind_->findData(s.detector_kind)));
  det_url_->setText(s.detector_url);
  det_model_->setText(s.detector_model);
}

void RunsPanel::SaveSettings() const {
  const RunSettings s = settings();
  QSettings st;
  st.setValue("runs/vlm_kind", s.vlm_kind);
  st.setValue("runs/vlm_url", s.vlm_url);
  st.setValue("runs/vlm_model", s.vlm_model);
  st.setValue("runs/vlm_key_env", s.vlm_key_env);
  st.setValue("runs/detector_kind", s.detector_kind);
  st.setValue("runs/detector_url", s.detector_url);
  st.setValue("runs/detector_model", s.detector_model);
}

void RunsPanel::Populate() {
  episodes_->clear();
  const ProjectStore* store = doc_->store();
  if (!store) return;
  for (const auto& e : store->info().episodes) {
    auto* item = new QListWidgetItem(QString::fromStdString(e.name), episodes_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
  }
}

void RunsPanel::SetCheckedEpisodes(const QStringList& names) {
  for (int i = 0; i < episodes_->count(); ++i) {
    episodes_->item(i)->setCheckState(names.contains(episodes_->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
  }
}

bool RunsPanel::running() const { return job_ && job_->running(); }

void RunsPanel::Cancel() {
  if (job_) {
    job_->Cancel();
    status_->setText(tr("Cancelling..."));
  }
}

void RunsPanel::StartJob(StudioJob* job) {
  if (job_) {
    // Superseded: it is cancelled and its late signals are ignored (the connections check job_).
    job_->Cancel();
  }
  job_ = job;
  run_->setEnabled(false);
  check_->setEnabled(false);
  cancel_->setEnabled(true);
  progress_->setRange(0, 0);
  connect(job, &StudioJob::progress, this, [this, job](const QString& stage, const QString& item, qint64 done, qint64 total, double eta) {
    if (job != job_) return;
    if (total > 0) {
      progress_->setRange(0, static_cast<int>(total));
      progress_->setValue(static_cast<int>(done));
    }
    QString text = item.isEmpty() ? stage : tr("%1: %2").arg(stage, item);
    if (eta >= 0) text += tr(" — ETA %1 s").arg(eta, 0, 'f', 0);
    status_->setText(text);
  });
  job->Start();
}

bool RunsPanel::StartRun() {
  const ProjectStore* store = doc_->store();
  if (!store) {
    log_->Add(LogModel::kError, {}, tr("Open a project before starting a run."));
    return false;
  }
  if (running()) {
    log_->Add(LogModel::kWarning, {}, tr("A job is already running; cancel it first."));
    return false;
  }
  SaveSettings();
  std::vector<std::string> names;
  for (int i = 0; i < episodes_->count(); ++i) {
    if (episodes_->item(i)->checkState() == Qt::Checked) names.push_back(episodes_->item(i)->text().toStdString());
  }
  Json base = PipelineOptions{}.ToJson();
  const Json& saved = store->info().settings;
  if (saved.contains("pipeline")) base.merge_patch(saved["pipeline"]);
  if (saved.contains("saliency")) base["saliency"] = saved["saliency"];
  const Json config = settings().Apply(base);
  const std::filesystem::path root = store->root();
  auto report = std::make_shared<PipelineReport>();
  auto* job = new StudioJob(
      tr("Pipeline run"),
      [root, names, config, report](const ProgressCallback& progress, const StopCheck& stop) {
        // The worker has its own store: the UI's is not thread-safe.
        ProjectStore store = ProjectStore::Open(root);
        const PipelineOptions options = PipelineOptions::FromJson(config, (root / "project.json").string());
        RunBackends backends = MakeRunBackends(store, options, ExchangeCache::ProjectFile(root));
        PipelineController controller(store, options, backends.AsPipeline());
        *report = controller.Run(names, progress, stop);
      },
      this);
  log_->Add(LogModel::kInfo, {}, tr("Pipeline run started on %n episode(s)", "", names.empty() ? static_cast<int>(store->info().episodes.size()) : static_cast<int>(names.size())));
  connect(job, &StudioJob::finished, this, [this, job, report](bool ok, bool cancelled, const QString& error) {
    job->deleteLater();
    if (job != job_) return;  // superseded
    job_ = nullptr;
    run_->setEnabled(true);
    check_->setEnabled(true);
    cancel_->setEnabled(false);
    progress_->setRange(0, 1);
    progress_->setValue(ok ? 1 : 0);
    if (cancelled) {
      status_->setText(tr("Cancelled; finished stages are kept."));
      log_->Add(LogModel::kWarning, {}, tr("Pipeline run cancelled (finished stages are on disk; a new run resumes)"));
    } else if (!ok) {
      status_->setText(tr("Failed: %1").arg(error));
      log_->Add(LogModel::kError, {}, tr("Pipeline run failed: %1").arg(error));
    } else {
      for (const EpisodeOutcome& o : report->episodes) {
        const QString ep = QString::fromStdString(o.episode);
        if (o.ok) {
          log_->Add(LogModel::kInfo, ep, tr("Finished (ran %1; up to date %2)")
                                             .arg(o.ran.empty() ? tr("nothing") : Join(o.ran),
                                                  o.skipped.empty() ? tr("nothing") : Join(o.skipped)));
        } else {
          log_->Add(LogModel::kError, ep, tr("Stage %1 failed: %2").arg(QString::fromStdString(o.failed_stage), QString::fromStdString(o.error)));
        }
      }
      const int failed = report->Failed();
      status_->setText(tr("Done in %1 s: %2 episode(s), %3 failed").arg(report->seconds, 0, 'f', 1).arg(report->episodes.size()).arg(failed));
    }
    Q_EMIT runFinished(ok && report->Failed() == 0);
  });
  StartJob(job);
  return true;
}

void RunsPanel::CheckConnection() {
  const RunSettings s = settings();
  DoctorOptions o;
  if (s.vlm_kind == "openai") {
    o.vlm_url = s.vlm_url.toStdString();
    o.vlm_model = s.vlm_model.toStdString();
    o.vlm_key_env = s.vlm_key_env.toStdString();
  }
  if (s.detector_kind == "roboflow") {
    o.detector = "roboflow";
    o.detector_url = s.detector_url.toStdString();
  }
  try {
    o.Check();
  } catch (const Error& e) {
    log_->Add(LogModel::kWarning, {}, tr("Nothing to check: %1").arg(QString::fromStdString(e.reason())));
    return;
  }
  auto checks = std::make_shared<std::vector<DoctorCheck>>();
  auto* job = new StudioJob(
      tr("Connection check"),
      [o, checks](const ProgressCallback&, const StopCheck&) { *checks = RunDoctor(o); }, this);
  connect(job, &StudioJob::finished, this, [this, job, checks](bool ok, bool, const QString& error) {
    job->deleteLater();
    if (job != job_) return;
    job_ = nullptr;
    run_->setEnabled(true);
    check_->setEnabled(true);
    cancel_->setEnabled(false);
    progress_->setRange(0, 1);
    int failed = 0;
    for (const DoctorCheck& c : *checks) {
      const auto sev = c.status == DoctorCheck::Status::kFail ? LogModel::kError : LogModel::kInfo;
      failed += c.status == DoctorCheck::Status::kFail ? 1 : 0;
      log_->Add(sev, {}, QString::fromStdString(FormatDoctorCheck(c)));
    }
    if (!ok) log_->Add(LogModel::kError, {}, tr("Connection check failed: %1").arg(error));
    status_->setText(failed == 0 && ok ? tr("Connection OK") : tr("Connection check: %n problem(s), see the log", "", failed + (ok ? 0 : 1)));
  });
  status_->setText(tr("Checking the connection..."));
  StartJob(job);
}

}  // namespace autofocus
