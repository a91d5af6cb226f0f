#include "widgets/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QShowEvent>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/about/version_info.h"
#include "core/base/error.h"
#include "widgets/curation_install.h"
#include "widgets/episode_table_model.h"
#include "widgets/frame_view.h"
#include "widgets/inspector_view.h"
#include "widgets/policies/policies_panel.h"
#include "widgets/saliency_panel.h"
#include "widgets/studio_document.h"
#include "widgets/studio_jobs.h"
#include "widgets/timeline_view.h"
#include "widgets/train/train_install.h"

#ifdef AUTOFOCUS_STUDIO_HAS_IMPORTERS
#include "core/importers/folder_importer.h"
#include "core/importers/hdf5_importer.h"
#endif

namespace autofocus {
namespace {

// Asks for a directory that does not exist yet (importers and the generator create it).
QString AskNewDirectory(QWidget* parent, const QString& title, const QString& suggestion) {
  const QString dir = QFileDialog::getSaveFileName(parent, title, suggestion, QString(), nullptr,
                                                   QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
  return dir;
}

}  // namespace

QWidget* ScrollableDockContent(QWidget* content) {
  auto* scroll = new QScrollArea;
  scroll->setObjectName(content->objectName() + QStringLiteral("Scroll"));
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  scroll->setWidget(content);
  return scroll;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName("mainWindow");
  setWindowTitle(tr("AutoFocus Studio"));
  setDockNestingEnabled(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
  doc_ = new StudioDocument(this);
  playback_ = new PlaybackController(doc_, this);

  // Episodes dock.
  model_ = new EpisodeTableModel(this);
  proxy_ = new EpisodeFilterProxy(this);
  proxy_->setSourceModel(model_);
  auto* episodes = new QWidget(this);
  auto* el = new QVBoxLayout(episodes);
  el->setContentsMargins(4, 4, 4, 4);
  summary_ = new QLabel(tr("No project open. Use File > Open Project."), episodes);
  summary_->setObjectName("projectSummary");
  summary_->setWordWrap(true);
  auto* filter_row = new QHBoxLayout;
  filter_ = new QLineEdit(episodes);
  filter_->setObjectName("episodeFilter");
  filter_->setPlaceholderText(tr("Filter episodes"));
  filter_->setClearButtonEnabled(true);
  filter_mode_ = new QComboBox(episodes);
  filter_mode_->setObjectName("episodeFilterMode");
  filter_mode_->addItems({tr("All"), tr("Failed"), tr("Flagged"), tr("Not annotated"), tr("Annotated")});
  filter_row->addWidget(filter_, 1);
  filter_row->addWidget(filter_mode_);
  table_ = new QTableView(episodes);
  table_->setObjectName("episodeTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->setShowGrid(false);
  table_->setWordWrap(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  table_->horizontalHeader()->setHighlightSections(false);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->setColumnWidth(EpisodeTableModel::kName, 130);
  table_->setColumnWidth(EpisodeTableModel::kFrames, 56);
  for (int c = EpisodeTableModel::kContext; c <= EpisodeTableModel::kSaliency; ++c) table_->setColumnWidth(c, 34);
  table_->setColumnWidth(EpisodeTableModel::kFailures, 90);
  table_->setColumnWidth(EpisodeTableModel::kSubsequences, 62);
  table_->setColumnWidth(EpisodeTableModel::kKeyObjects, 62);
  el->addWidget(summary_);
  el->addLayout(filter_row);
  el->addWidget(table_, 1);
  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(filter_mode_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { proxy_->SetMode(static_cast<EpisodeFilterProxy::Mode>(i)); });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (!current.isValid()) return;
    const QString name = model_->episodeName(proxy_->mapToSource(current).row());
    if (name != doc_->currentEpisodeName()) OpenEpisode(name);
  });

  // Views.
  frame_view_ = new FrameView(doc_, this);
  setCentralWidget(frame_view_);
  timeline_ = new TimelineView(doc_, playback_, this);
  inspector_ = new InspectorView(doc_, this);
  saliency_ = new SaliencyPanel(doc_, &frame_view_->style(), this);
  MakeDock("dock_episodes", tr("Episodes"), episodes, Qt::LeftDockWidgetArea);
  MakeDock("dock_timeline", tr("Timeline"), timeline_, Qt::BottomDockWidgetArea);
  QDockWidget* inspector_dock = MakeDock("dock_inspector", tr("Inspector"), inspector_, Qt::RightDockWidgetArea);
  QDockWidget* saliency_dock = MakeDock("dock_saliency", tr("Saliency"),
                                        ScrollableDockContent(saliency_), Qt::RightDockWidgetArea);
  tabifyDockWidget(inspector_dock, saliency_dock);
  inspector_dock->raise();

  // Status bar: job progress with cancel.
  job_label_ = new QLabel(this);
  job_progress_ = new QProgressBar(this);
  job_progress_->setObjectName("jobProgress");
  job_progress_->setMaximumWidth(260);
  job_cancel_ = new QPushButton(tr("Cancel"), this);
  job_cancel_->setObjectName("jobCancel");
  statusBar()->addPermanentWidget(job_label_);
  statusBar()->addPermanentWidget(job_progress_);
  statusBar()->addPermanentWidget(job_cancel_);
  job_label_->hide();
  job_progress_->hide();
  job_cancel_->hide();
  connect(job_cancel_, &QPushButton::clicked, this, [this] {
    if (job_) job_->Cancel();
  });
  connect(saliency_, &SaliencyPanel::applyFinished, this, [this](bool ok, bool, const QString& message) {
    statusBar()->showMessage(message, 8000);
    if (ok) {
      model_->InvalidateAll();
      // Reload the episode so the coverage strip shows the new parameters' coverage.
      const QString ep = doc_->currentEpisodeName();
      const int frame = doc_->currentFrame();
      if (!ep.isEmpty() && doc_->SetCurrentEpisode(ep)) doc_->SetCurrentFrame(frame);
    }
  });
  connect(doc_, &StudioDocument::episodeChanged, this, &MainWindow::UpdateTitle);

  BuildMenus();
  InstallCuration(this);  // curation, undo/history, runs, log, shortcuts help
  InstallTraining(this, FindCurationUi(this).log);  // Train and Training Runs docks
  InstallPolicies(this);  // Policies dock + the attention compare window
  default_state_ = saveState();
  resize(1500, 920);
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::MakeDock(const QString& object_name, const QString& title, QWidget* content,
                                  Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(object_name);
  dock->setWidget(content);
  dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(area, dock);
  return dock;
}

void MainWindow::AddDock(QDockWidget* dock, Qt::DockWidgetArea area) {
  addDockWidget(area, dock);
  if (docks_menu_) docks_menu_->addAction(dock->toggleViewAction());
}

void MainWindow::BuildMenus() {
  file_menu_ = menuBar()->addMenu(tr("&File"));
  QAction* open = file_menu_->addAction(tr("&Open Project..."), this, &MainWindow::ChooseProject);
  open->setObjectName("action_open_project");
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file_menu_->addMenu(tr("Open &Recent"));
  file_menu_->addSeparator();
  QAction* sample = file_menu_->addAction(tr("New &Sample Project..."), this, &MainWindow::NewSampleProject);
  sample->setObjectName("action_new_sample_project");
  sample->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
  QAction* import_folder = file_menu_->addAction(tr("Import &Folder..."), this, &MainWindow::ImportFolder);
  import_folder->setObjectName("action_import_folder");
  QAction* import_hdf5 = file_menu_->addAction(tr("Import &HDF5..."), this, &MainWindow::ImportHdf5);
  import_hdf5->setObjectName("action_import_hdf5");
#ifndef AUTOFOCUS_STUDIO_HAS_IMPORTERS
  import_folder->setEnabled(false);
  import_hdf5->setEnabled(false);
#endif
  file_menu_->addSeparator();
  QAction* quit = file_menu_->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setObjectName("action_quit");
  quit->setShortcut(QKeySequence::Quit);
  UpdateRecentMenu();

  edit_menu_ = menuBar()->addMenu(tr("&Edit"));

  view_menu_ = menuBar()->addMenu(tr("&View"));
  docks_menu_ = view_menu_->addMenu(tr("&Panels"));
  for (QDockWidget* d : findChildren<QDockWidget*>()) docks_menu_->addAction(d->toggleViewAction());
  QAction* compare = view_menu_->addAction(tr("&Compare Overlays"));
  compare->setObjectName("action_toggle_compare");
  compare->setCheckable(true);
  compare->setShortcut(Qt::Key_C);
  compare->setChecked(frame_view_->split());
  connect(compare, &QAction::toggled, frame_view_, &FrameView::SetSplit);
  QAction* fit = view_menu_->addAction(tr("&Fit Frame"), frame_view_->transform(), &ViewTransform::ResetFit);
  fit->setObjectName("action_zoom_fit");
  fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  QAction* zoom_in = view_menu_->addAction(tr("Zoom &In"), this, [this] {
    frame_view_->transform()->ZoomAt(1.25, QPointF(frame_view_->primary()->rect().center()));
  });
  zoom_in->setObjectName("action_zoom_in");
  zoom_in->setShortcut(QKeySequence::ZoomIn);
  QAction* zoom_out = view_menu_->addAction(tr("Zoom &Out"), this, [this] {
    frame_view_->transform()->ZoomAt(0.8, QPointF(frame_view_->primary()->rect().center()));
  });
  zoom_out->setObjectName("action_zoom_out");
  zoom_out->setShortcut(QKeySequence::ZoomOut);
  view_menu_->addSeparator();
  QAction* reset = view_menu_->addAction(tr("&Reset Layout"), this, &MainWindow::ResetLayout);
  reset->setObjectName("action_reset_layout");

  playback_menu_ = menuBar()->addMenu(tr("&Playback"));
  for (QAction* a : playback_->actions()) {
    playback_menu_->addAction(a);
    if (a->objectName() == "action_last_frame" || a->objectName() == "action_next_flagged") playback_menu_->addSeparator();
  }
  playback_menu_->addSeparator();
  QAction* next_ep = playback_menu_->addAction(tr("Next Episode"), this, [this] { StepEpisode(1); });
  next_ep->setObjectName("action_next_episode");
  next_ep->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageDown));
  QAction* prev_ep = playback_menu_->addAction(tr("Previous Episode"), this, [this] { StepEpisode(-1); });
  prev_ep->setObjectName("action_prev_episode");
  prev_ep->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageUp));

  help_menu_ = menuBar()->addMenu(tr("&Help"));
  QAction* about = help_menu_->addAction(tr("&About AutoFocus Studio"), this, [this] {
    // Window-modal and not exec()'d, so nothing blocks (and a test can read and close it).
    auto* box = new QMessageBox(
        QMessageBox::Information, tr("About AutoFocus Studio"),
        tr("AutoFocus Studio: VLM-guided saliency annotation for imitation learning"),
        QMessageBox::Ok, this);
    box->setObjectName("about_box");
    box->setInformativeText(AboutText().toHtmlEscaped().replace("\n", "<br>"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
  about->setObjectName("action_about");
}

QString MainWindow::AboutText() {
  const QString built = QStringLiteral(QT_VERSION_STR);
  const QString qt =
      built == qVersion() ? built : QStringLiteral("%1 (built with %2)").arg(qVersion(), built);
  return QString::fromStdString(VersionReport("AutoFocus Studio", qt.toStdString()));
}

QList<QAction*> MainWindow::allActions() const {
  QList<QAction*> out;
  for (QAction* a : findChildren<QAction*>()) {
    if (!a->objectName().isEmpty() && a->objectName().startsWith("action_")) out << a;
  }
  return out;
}

void MainWindow::RestoreLayout() {
  QSettings settings;
  restoreGeometry(settings.value("main_window/geometry").toByteArray());
  restoreState(settings.value("main_window/state").toByteArray());
  layout_restored_ = true;
}

void MainWindow::SaveLayout() {
  QSettings settings;
  settings.setValue("main_window/geometry", saveGeometry());
  settings.setValue("main_window/state", saveState());
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (shown_once_) return;
  shown_once_ = true;
  // Default proportions, applied once the window has its real size (a restored layout wins).
  if (!layout_restored_ || QSettings().value("main_window/state").toByteArray().isEmpty())
    ApplyDefaultSizes();
}

void MainWindow::ApplyDefaultSizes() {
  auto dock = [this](const char* name) {
    return findChild<QDockWidget*>(QString::fromLatin1(name));
  };
  QDockWidget* episodes = dock("dock_episodes");
  QDockWidget* inspector = dock("dock_inspector");
  QDockWidget* objects = dock("dock_objects");
  QDockWidget* timeline = dock("dock_timeline");
  // The side docks get what their tables need (and the frame the rest); the timeline a third of
  // the height, so a few lanes and the action plot are readable at 1366x768.
  const int side = std::clamp(width() * 26 / 100, 330, 520);
  if (episodes && inspector)
    resizeDocks({episodes, inspector}, {std::clamp(width() * 20 / 100, 260, 420), side},
                Qt::Horizontal);
  if (timeline) resizeDocks({timeline}, {height() * 34 / 100}, Qt::Vertical);
  if (inspector && objects) {
    const int right = height() * 60 / 100;
    resizeDocks({inspector, objects}, {right * 58 / 100, right * 42 / 100}, Qt::Vertical);
  }
}

void MainWindow::ResetLayout() {
  restoreState(default_state_);
  ApplyDefaultSizes();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (layout_restored_) SaveLayout();
  playback_->SetPlaying(false);
  if (job_) job_->Cancel();
  QMainWindow::closeEvent(event);
}

const ProjectStore* MainWindow::project() const { return doc_->store(); }

bool MainWindow::OpenProject(const QString& dir) {
  QString error;
  model_->SetProject(nullptr);
  if (!doc_->OpenProject(dir, &error)) {
    model_->SetProject(doc_->store());
    statusBar()->showMessage(tr("Cannot open project: %1").arg(error));
    return false;
  }
  model_->SetProject(doc_->store());
  const auto& info = doc_->store()->info();
  int64_t frames = 0;
  for (const auto& e : info.episodes) frames += e.num_frames;
  summary_->setText(tr("<b>%1</b> &nbsp; %2 episodes, %3 frames, %4 x %5")
                        .arg(QString::fromStdString(info.name).toHtmlEscaped())
                        .arg(info.episodes.size())
                        .arg(frames)
                        .arg(info.image_width)
                        .arg(info.image_height));
  const QString abs = doc_->projectPath();
  AddRecent(abs);
  statusBar()->showMessage(tr("Opened %1").arg(abs), 5000);
  if (!info.episodes.empty()) {
    // Reopen the episode last viewed in this project, else the first one.
    const QString last = QSettings().value("projects/" + QString::fromLatin1(abs.toUtf8().toHex()) + "/episode").toString();
    // A damaged episode must not leave the studio empty: fall through to the next readable one.
    bool opened = model_->rowOf(last) >= 0 && OpenEpisode(last);
    for (size_t i = 0; !opened && i < info.episodes.size(); ++i) {
      const QString name = QString::fromStdString(info.episodes[i].name);
      if (name != last) opened = OpenEpisode(name);
    }
  }
  UpdateTitle();
  return true;
}

bool MainWindow::OpenEpisode(const QString& name) {
  QString error;
  playback_->SetPlaying(false);
  if (!doc_->SetCurrentEpisode(name, &error)) {
    statusBar()->showMessage(tr("Cannot open episode %1: %2").arg(name, error));
    return false;
  }
  QSettings().setValue("projects/" + QString::fromLatin1(doc_->projectPath().toUtf8().toHex()) + "/episode", name);
  const int row = model_->rowOf(name);
  if (row >= 0) {
    const QModelIndex pi = proxy_->mapFromSource(model_->index(row, 0));
    if (pi.isValid() && table_->currentIndex().row() != pi.row()) {
      table_->selectionModel()->setCurrentIndex(pi, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
  }
  return true;
}

void MainWindow::StepEpisode(int delta) {
  if (proxy_->rowCount() == 0) return;
  const int current = table_->currentIndex().isValid() ? table_->currentIndex().row() : -1;
  const int next = std::clamp(current + delta, 0, proxy_->rowCount() - 1);
  table_->selectionModel()->setCurrentIndex(proxy_->index(next, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MainWindow::UpdateTitle() {
  if (!doc_->store()) {
    setWindowTitle(tr("AutoFocus Studio"));
    return;
  }
  const QString project = QString::fromStdString(doc_->store()->info().name);
  const QString ep = doc_->currentEpisodeName();
  setWindowTitle(ep.isEmpty() ? tr("%1 - AutoFocus Studio").arg(project) : tr("%1 / %2 - AutoFocus Studio").arg(project, ep));
}

void MainWindow::ChooseProject() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Project"));
  if (!dir.isEmpty()) OpenProject(dir);
}

void MainWindow::AddRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recent_projects").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > 10) recent.removeLast();
  settings.setValue("recent_projects", recent);
  UpdateRecentMenu();
}

void MainWindow::UpdateRecentMenu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value("recent_projects").toStringList();
  for (const QString& path : recent) {
    recent_menu_->addAction(path, this, [this, path] { OpenProject(path); });
  }
  if (!recent.isEmpty()) {
    recent_menu_->addSeparator();
    recent_menu_->addAction(tr("Clear List"), this, [this] {
      QSettings().remove("recent_projects");
      UpdateRecentMenu();
    });
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::RunJob(StudioJob* job) {
  if (job_) {
    statusBar()->showMessage(tr("Another job is running: %1").arg(job_->title()), 5000);
    job->deleteLater();
    return;
  }
  job_ = job;
  job->setParent(this);
  job_label_->setText(job->title());
  job_label_->show();
  job_progress_->setRange(0, 0);
  job_progress_->show();
  job_cancel_->show();
  connect(job, &StudioJob::progress, this, [this](const QString& stage, const QString& item, qint64 done, qint64 total, double eta) {
    job_progress_->setRange(0, static_cast<int>(std::max<qint64>(1, std::min<qint64>(total, INT32_MAX))));
    job_progress_->setValue(static_cast<int>(std::min<qint64>(done, INT32_MAX)));
    QString text = item.isEmpty() ? stage : tr("%1: %2").arg(stage, item);
    if (eta >= 0) text += tr(" (%1 s left)").arg(eta, 0, 'f', 0);
    job_progress_->setFormat(text);
  });
  connect(job, &StudioJob::finished, this, [this, job] {
    job_label_->hide();
    job_progress_->hide();
    job_cancel_->hide();
    if (job_ == job) job_ = nullptr;
    job->deleteLater();
  });
  job->Start();
}

void MainWindow::RunJobThenOpen(StudioJob* job, const QString& project_dir) {
  const QString title = job->title();
  connect(job, &StudioJob::finished, this, [this, project_dir, title](bool ok, bool cancelled, const QString& error) {
    if (ok) {
      OpenProject(project_dir);
    } else {
      statusBar()->showMessage(cancelled ? tr("%1: cancelled").arg(title) : tr("%1 failed: %2").arg(title, error), 10000);
    }
  });
  RunJob(job);
}

void MainWindow::NewSampleProject() {
  QDialog dialog(this);
  dialog.setWindowTitle(tr("New Sample Project"));
  auto* form = new QFormLayout(&dialog);
  auto* dir = new QLineEdit(QDir::home().filePath("autofocus-sample"), &dialog);
  auto* browse = new QPushButton(tr("Browse..."), &dialog);
  auto* row = new QHBoxLayout;
  row->addWidget(dir, 1);
  row->addWidget(browse);
  auto* episodes = new QSpinBox(&dialog);
  episodes->setRange(1, 1000);
  episodes->setValue(4);
  auto* frames = new QSpinBox(&dialog);
  frames->setRange(10, 100000);
  frames->setValue(200);
  auto* seed = new QSpinBox(&dialog);
  seed->setRange(0, 1000000);
  seed->setValue(1);
  form->addRow(new QLabel(tr("Generates the built-in sample world and annotates it with the scene oracle\n"
                             "(ground truth standing in for the VLM and the detector)."),
                          &dialog));
  form->addRow(tr("Folder (new)"), row);
  form->addRow(tr("Episodes"), episodes);
  form->addRow(tr("Frames per episode"), frames);
  form->addRow(tr("Seed"), seed);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  connect(browse, &QPushButton::clicked, &dialog, [&] {
    const QString d = AskNewDirectory(&dialog, tr("New Sample Project"), dir->text());
    if (!d.isEmpty()) dir->setText(d);
  });
  if (dialog.exec() != QDialog::Accepted) return;
  const QString out = dir->text();
  if (QFileInfo::exists(out)) {
    statusBar()->showMessage(tr("%1 already exists; choose a new folder").arg(out), 8000);
    return;
  }
  sim::SampleWorldOptions world;
  world.episodes = episodes->value();
  world.frames = frames->value();
  world.seed = static_cast<uint64_t>(seed->value());
  const std::filesystem::path path = out.toStdString();
  auto* job = new StudioJob(tr("New sample project"), [world, path](const ProgressCallback& progress, const StopCheck& stop) {
    GenerateAnnotatedSampleProject(world, path, progress, stop);
  });
  RunJobThenOpen(job, out);
}

void MainWindow::ImportFolder() {
#ifdef AUTOFOCUS_STUDIO_HAS_IMPORTERS
  const QString root = QFileDialog::getExistingDirectory(this, tr("Dataset Folder (one sub-folder per episode)"));
  if (root.isEmpty()) return;
  const QString out = AskNewDirectory(this, tr("New Project Folder"), root + "-project");
  if (out.isEmpty()) return;
  FolderImportOptions o;
  o.root = root.toStdString();
  o.out = out.toStdString();
  auto* job = new StudioJob(tr("Import folder"), [o](const ProgressCallback& progress, const StopCheck& stop) {
    FolderImporter(o).Run(progress, stop);
  });
  RunJobThenOpen(job, out);
#endif
}

void MainWindow::ImportHdf5() {
#ifdef AUTOFOCUS_STUDIO_HAS_IMPORTERS
  const QString file = QFileDialog::getOpenFileName(this, tr("HDF5 Dataset"), QString(), tr("HDF5 (*.hdf5 *.h5);;All files (*)"));
  if (file.isEmpty()) return;
  const QString out = AskNewDirectory(this, tr("New Project Folder"), QFileInfo(file).absolutePath() + "/" + QFileInfo(file).baseName());
  if (out.isEmpty()) return;
  Hdf5ImportOptions o;
  o.file = file.toStdString();
  o.out = out.toStdString();
  auto* job = new StudioJob(tr("Import HDF5"), [o](const ProgressCallback& progress, const StopCheck& stop) {
    Hdf5Importer(o).Run(progress, stop);
  });
  RunJobThenOpen(job, out);
#endif
}

}  // namespace autofocus
