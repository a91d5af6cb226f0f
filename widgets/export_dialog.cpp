#include "widgets/export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>

#include "core/base/error.h"
#include "widgets/log_model.h"
#include "widgets/main_window.h"
#include "widgets/studio_document.h"
#include "widgets/studio_jobs.h"

namespace autofocus {

ExportDialog::ExportDialog(const QString& project_name, const QString& current_episode, QWidget* parent)
    : QDialog(parent), current_episode_(current_episode) {
  setWindowTitle(tr("Export %1").arg(project_name));
  QSettings s;
  auto* form = new QFormLayout(this);
  format_ = new QComboBox(this);
  format_->setObjectName("export_format");
  format_->addItem(tr("robomimic HDF5 (robomimic, LIBERO, MimicGen, AutoFocus-IL)"), "robomimic");
  format_->addItem(tr("Folders (frames, actions.csv, saliency PNG; re-importable)"), "folder");
  format_->addItem(tr("COCO detection JSON (CVAT, FiftyOne, X-AnyLabeling)"), "coco");
  format_->addItem(tr("MOTChallenge (CVAT, X-AnyLabeling)"), "mot");
  format_->addItem(tr("CVAT for video 1.1 XML"), "cvat-video");
  format_->addItem(tr("YOLO (labels + data.yaml)"), "yolo");
  format_->addItem(tr("LeRobot v3.0 dataset (Parquet tables + MP4 videos)"), "lerobot");
  format_->setCurrentIndex(std::max(0, format_->findData(s.value("export/format", "robomimic"))));
  form->addRow(tr("Format"), format_);
  episodes_ = new QComboBox(this);
  episodes_->setObjectName("export_episodes");
  episodes_->addItem(tr("All episodes, as annotated"), "all");
  episodes_->addItem(tr("Curated: exclusions and edits applied"), "curated");
  if (!current_episode.isEmpty()) episodes_->addItem(tr("Current episode (%1), curated").arg(current_episode), "current");
  episodes_->setCurrentIndex(std::max(0, episodes_->findData(s.value("export/episodes", "curated"))));
  form->addRow(tr("Episodes"), episodes_);
  saliency_ = new QComboBox(this);
  saliency_->addItem(tr("Saliency maps"), "maps");
  saliency_->addItem(tr("Key-object points only"), "points");
  saliency_->addItem(tr("No saliency"), "none");
  saliency_->setCurrentIndex(std::max(0, saliency_->findData(s.value("export/saliency", "maps"))));
  form->addRow(tr("Saliency"), saliency_);
  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1 << 30);
  seed_->setValue(s.value("export/split_seed", 0).toInt());
  form->addRow(tr("Split seed"), seed_);
  share_ = new QDoubleSpinBox(this);
  share_->setRange(0.0, 0.9);
  share_->setSingleStep(0.05);
  share_->setValue(s.value("export/valid_share", 0.1).toDouble());
  form->addRow(tr("Validation share"), share_);
  compress_ = new QComboBox(this);
  compress_->addItem(tr("gzip (readable by any HDF5)"), "gzip");
  compress_->addItem(tr("none"), "none");
  compress_->addItem(tr("snappy (LeRobot Parquet only)"), "snappy");
  compress_->addItem(tr("zstd (LeRobot Parquet only)"), "zstd");
  compress_->setCurrentIndex(std::max(0, compress_->findData(s.value("export/compress", "gzip"))));
  form->addRow(tr("Compression"), compress_);
  video_codec_ = new QComboBox(this);
  video_codec_->setObjectName("export_video_codec");
  video_codec_->addItem(tr("H.264 (libx264)"), "h264");
  video_codec_->addItem(tr("AV1 (SVT-AV1, LeRobot's default)"), "av1");
  video_codec_->setCurrentIndex(std::max(0, video_codec_->findData(s.value("export/video_codec", "h264"))));
  form->addRow(tr("LeRobot video codec"), video_codec_);
  auto* row = new QHBoxLayout;
  out_ = new QLineEdit(s.value("export/out").toString(), this);
  out_->setObjectName("export_out");
  auto* browse = new QPushButton(tr("Browse..."), this);
  row->addWidget(out_);
  row->addWidget(browse);
  form->addRow(tr("Destination"), row);
  force_ = new QCheckBox(tr("Replace an existing destination"), this);
  form->addRow(QString(), force_);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = format_->currentData().toString() == "robomimic"
                          ? QFileDialog::getSaveFileName(this, tr("Export to"), out_->text(), tr("HDF5 (*.hdf5 *.h5)"))
                          : QFileDialog::getSaveFileName(this, tr("Export to folder"), out_->text(), QString(), nullptr,
                                                         QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
    if (!f.isEmpty()) out_->setText(f);
  });
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

ExportOptions ExportDialog::options() const {
  ExportOptions o;
  o.format = format_->currentData().toString().toStdString();
  const QString which = episodes_->currentData().toString();
  o.curated = which != "all";
  if (which == "current") o.episodes = {current_episode_.toStdString()};
  o.saliency = saliency_->currentData().toString().toStdString();
  o.split_seed = static_cast<uint64_t>(seed_->value());
  o.valid_share = share_->value();
  o.compress = compress_->currentData().toString().toStdString();
  o.video_codec = video_codec_->currentData().toString().toStdString();
  o.out = out_->text().toStdString();
  o.force = force_->isChecked();
  return o;
}

void ExportDialog::Remember() const {
  QSettings s;
  s.setValue("export/format", format_->currentData());
  s.setValue("export/episodes", episodes_->currentData());
  s.setValue("export/saliency", saliency_->currentData());
  s.setValue("export/split_seed", seed_->value());
  s.setValue("export/valid_share", share_->value());
  s.setValue("export/compress", compress_->currentData());
  s.setValue("export/video_codec", video_codec_->currentData());
  s.setValue("export/out", out_->text());
}

StudioJob* StartExport(MainWindow* window, LogModel* log, const ExportOptions& options) {
  const ProjectStore* store = window->project();
  if (!store || window->currentJob()) return nullptr;
  const std::filesystem::path root = store->root();
  const QString project = QString::fromStdString(store->info().name);
  auto* job = new StudioJob(
      QObject::tr("Export (%1)").arg(QString::fromStdString(options.format)),
      [root, options, log](const ProgressCallback& progress, const StopCheck& stop) {
        // The job's own store: the UI thread keeps using the window's.
        const ProjectStore own = ProjectStore::Open(root);
        const ExportSummary s = RunExport(own, options, progress, stop);
        QString text = QObject::tr("Exported %1 episode(s), %2 frame(s) as %3 to %4 in %5 s; %6 files, read back and checked")
                           .arg(s.episodes)
                           .arg(s.frames)
                           .arg(QString::fromStdString(s.format), QString::fromStdString(s.out.string()))
                           .arg(s.seconds, 0, 'f', 1)
                           .arg(s.files.size());
        if (!s.excluded_episodes.empty() || s.excluded_frames > 0) {
          text += QObject::tr("; left out by curation: %1 episode(s), %2 frame(s)")
                      .arg(s.excluded_episodes.size())
                      .arg(s.excluded_frames);
        }
        QMetaObject::invokeMethod(log, [log, text] { log->Add(LogModel::kInfo, QString(), text); }, Qt::QueuedConnection);
      },
      window);
  QObject::connect(job, &StudioJob::finished, log, [log, project](bool ok, bool cancelled, const QString& error) {
    if (cancelled) {
      log->Add(LogModel::kWarning, QString(), QObject::tr("Export of %1 cancelled: nothing was written").arg(project));
    } else if (!ok) {
      log->Add(LogModel::kError, QString(), QObject::tr("Export of %1 failed: %2").arg(project, error));
    }
  });
  window->RunJob(job);
  return job;
}

void InstallExport(MainWindow* window, LogModel* log) {
  QMenu* file = window->fileMenu();
  QAction* quit = nullptr;
  for (QAction* a : file->actions()) {
    if (a->objectName() == "action_quit") quit = a;
  }
  auto* action = new QAction(QObject::tr("&Export..."), window);
  action->setObjectName("action_export");
  action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  action->setToolTip(QObject::tr("Export the project (or its curated part) for other trainers and annotation tools"));
  file->insertAction(quit, action);
  file->insertSeparator(quit);
  QObject::connect(action, &QAction::triggered, window, [window, log] {
    if (!window->project()) {
      window->statusBar()->showMessage(QObject::tr("Open a project first"), 5000);
      return;
    }
    ExportDialog dialog(QString::fromStdString(window->project()->info().name), window->document()->currentEpisodeName(),
                        window);
    if (dialog.exec() != QDialog::Accepted) return;
    const ExportOptions o = dialog.options();
    try {
      o.Check();
    } catch (const Error& e) {
      log->Add(LogModel::kError, QString(), QObject::tr("Export: %1").arg(QString::fromStdString(e.what())));
      return;
    }
    dialog.Remember();
    if (!StartExport(window, log, o)) window->statusBar()->showMessage(QObject::tr("Another job is running"), 5000);
  });
}

}  // namespace autofocus
