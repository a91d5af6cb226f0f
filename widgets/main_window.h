#pragma once

#include <QMainWindow>
#include <memory>

#include "core/dataset/project_store.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace autofocus {

class EpisodeTableModel;

// The studio's main window: opens a project and lists its episodes (the shell later views
// dock into).
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a project directory; returns false and shows the reason in the status bar on failure.
  bool OpenProject(const QString& dir);
  // The open project, or nullptr.
  const ProjectStore* project() const { return store_.get(); }
  // The episode list model (for tests).
  EpisodeTableModel* episodeModel() const { return model_; }

 private:
  void ChooseProject();
  void UpdateRecentMenu();

  std::unique_ptr<ProjectStore> store_;
  EpisodeTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QLabel* summary_ = nullptr;
  QMenu* recent_menu_ = nullptr;
};

}  // namespace autofocus
