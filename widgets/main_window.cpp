#include "widgets/main_window.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

#include "core/base/error.h"
#include "widgets/episode_table_model.h"

namespace autofocus {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("AutoFocus Studio"));
  model_ = new EpisodeTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setFilterKeyColumn(EpisodeTableModel::kName);

  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  summary_ = new QLabel(tr("No project open. Use File > Open Project."), central);
  auto* filter = new QLineEdit(central);
  filter->setPlaceholderText(tr("Filter episodes"));
  filter->setClearButtonEnabled(true);
  connect(filter, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  table_ = new QTableView(central);
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->setVisible(false);
  layout->addWidget(summary_);
  layout->addWidget(filter);
  layout->addWidget(table_);
  setCentralWidget(central);

  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Project..."), this, &MainWindow::ChooseProject);
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
  quit->setShortcut(QKeySequence::Quit);
  UpdateRecentMenu();

  QSettings settings;
  restoreGeometry(settings.value("main_window/geometry").toByteArray());
  resize(size().isEmpty() ? QSize(900, 600) : size());
}

MainWindow::~MainWindow() {
  QSettings settings;
  settings.setValue("main_window/geometry", saveGeometry());
}

bool MainWindow::OpenProject(const QString& dir) {
  try {
    auto store = std::make_unique<ProjectStore>(ProjectStore::Open(dir.toStdString()));
    model_->SetProject(nullptr);
    store_ = std::move(store);
    model_->SetProject(store_.get());
  } catch (const Error& e) {
    statusBar()->showMessage(tr("Cannot open project: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  const auto& info = store_->info();
  int64_t frames = 0;
  for (const auto& e : info.episodes) frames += e.num_frames;
  summary_->setText(tr("%1: %2 episodes, %3 frames, %4 x %5")
                        .arg(QString::fromStdString(info.name))
                        .arg(info.episodes.size())
                        .arg(frames)
                        .arg(info.image_width)
                        .arg(info.image_height));
  setWindowTitle(tr("%1 - AutoFocus Studio").arg(QString::fromStdString(info.name)));
  QSettings settings;
  QStringList recent = settings.value("recent_projects").toStringList();
  const QString abs = QString::fromStdString(store_->root().string());
  recent.removeAll(abs);
  recent.prepend(abs);
  while (recent.size() > 10) recent.removeLast();
  settings.setValue("recent_projects", recent);
  UpdateRecentMenu();
  statusBar()->showMessage(tr("Opened %1").arg(abs), 5000);
  return true;
}

void MainWindow::ChooseProject() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Project"));
  if (!dir.isEmpty()) OpenProject(dir);
}

void MainWindow::UpdateRecentMenu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value("recent_projects").toStringList();
  for (const QString& path : recent) {
    recent_menu_->addAction(path, this, [this, path] { OpenProject(path); });
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

}  // namespace autofocus
