#pragma once

#include <QMainWindow>
#include <QPointer>

#include "core/dataset/project_store.h"
#include "widgets/studio_jobs.h"

class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QTableView;

namespace autofocus {

class EpisodeFilterProxy;
class EpisodeTableModel;
class FrameView;
class InspectorView;
class PlaybackController;
class SaliencyPanel;
class StudioDocument;
class StudioJob;
class TimelineView;

// `content` in a frameless scroll area sized to fill the dock, so a tall form scrolls instead of
// setting the dock's (and so the window's) minimum height.
QWidget* ScrollableDockContent(QWidget* content);

// The studio's main window: the document, the frame view in the centre and dockable views
// (Episodes, Timeline, Inspector, Saliency) whose layout and geometry are remembered in
// QSettings. Other panels (runs, history, ...) dock in through AddDock(). Every frequent
// command is a QAction with a stable objectName (see allActions()).
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a project directory (or the one of a project.json) and its first episode; returns
  // false and shows the reason in the status bar on failure.
  bool OpenProject(const QString& dir);
  // Opens an episode of the open project by name.
  bool OpenEpisode(const QString& name);
  // The open project, or nullptr.
  const ProjectStore* project() const;

  // Views and shared objects (for tests and panels added by others).
  StudioDocument* document() const { return doc_; }
  PlaybackController* playback() const { return playback_; }
  EpisodeTableModel* episodeModel() const { return model_; }
  EpisodeFilterProxy* episodeProxy() const { return proxy_; }
  QTableView* episodeTable() const { return table_; }
  FrameView* frameView() const { return frame_view_; }
  TimelineView* timelineView() const { return timeline_; }
  InspectorView* inspectorView() const { return inspector_; }
  SaliencyPanel* saliencyPanel() const { return saliency_; }
  // Menus other panels add to.
  QMenu* fileMenu() const { return file_menu_; }
  QMenu* editMenu() const { return edit_menu_; }
  QMenu* viewMenu() const { return view_menu_; }
  QMenu* helpMenu() const { return help_menu_; }
  // Adds a dock (objectName must be set and stable: it keys the saved layout) and lists it in
  // the View menu; call before RestoreLayout() for its position to be restored.
  void AddDock(QDockWidget* dock, Qt::DockWidgetArea area);
  // Every QAction of the window with an objectName (for the shortcuts help dialog).
  QList<QAction*> allActions() const;
  // Restores the saved dock layout and geometry (called once at start-up by main()); without a
  // saved layout the default one applies at first show.
  void RestoreLayout();
  // The default layout (View > Reset Layout): the docks where they were built, the timeline a
  // third of the height, the side docks wide enough for their columns.
  void ResetLayout();
  // Runs a background job with progress in the status bar and a cancel button.
  void RunJob(StudioJob* job);
  // The running status-bar job, or nullptr.
  StudioJob* currentJob() const { return job_; }
  // The About box's text (Help > About): version, git revision, the Qt, OpenCV, LibTorch, HDF5
  // and libcurl versions in use, and where plugins and prompt templates are found.
  static QString AboutText();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void BuildMenus();
  QDockWidget* MakeDock(const QString& object_name, const QString& title, QWidget* content, Qt::DockWidgetArea area);
  void ChooseProject();
  void NewSampleProject();
  // Runs a job that creates a project and opens `project_dir` when it succeeds.
  void RunJobThenOpen(StudioJob* job, const QString& project_dir);
  void ImportFolder();
  void ImportHdf5();
  void UpdateRecentMenu();
  void AddRecent(const QString& path);
  void StepEpisode(int delta);
  void UpdateTitle();
  void SaveLayout();
  // Sizes the docks for the current window size (the proportions of the default layout).
  void ApplyDefaultSizes();

  StudioDocument* doc_ = nullptr;
  PlaybackController* playback_ = nullptr;
  EpisodeTableModel* model_ = nullptr;
  EpisodeFilterProxy* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QComboBox* filter_mode_ = nullptr;
  QLabel* summary_ = nullptr;
  FrameView* frame_view_ = nullptr;
  TimelineView* timeline_ = nullptr;
  InspectorView* inspector_ = nullptr;
  SaliencyPanel* saliency_ = nullptr;
  QMenu* file_menu_ = nullptr;
  QMenu* edit_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QMenu* playback_menu_ = nullptr;
  QMenu* help_menu_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QMenu* docks_menu_ = nullptr;
  QProgressBar* job_progress_ = nullptr;
  QPushButton* job_cancel_ = nullptr;
  QLabel* job_label_ = nullptr;
  QPointer<StudioJob> job_;
  QByteArray default_state_;  // dock placement as built (before any saved layout)
  bool layout_restored_ = false;
  bool shown_once_ = false;
};

}  // namespace autofocus
