#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "core/dataset/project_store.h"

namespace autofocus {

// What the episode table shows about one episode beyond the project index, read from the
// small status.json and the segment part of key_objects.json (never frames).
struct EpisodeSummary {
  // Per pipeline stage (context, detect, track, key_objects, saliency): 0 not run, 1 done,
  // 2 failed.
  std::vector<int> stages;
  QString error;          // status.json error message (empty when none)
  QString failed_stage;   // the stage that failed
  int subsequences = -1;  // sub-sequences (-1: unknown / not run)
  int key_objects = -1;   // distinct key track IDs over all sub-sequences (-1: not run)
  int failed_segments = 0;  // sub-sequences whose key-object query failed
  bool damaged = false;     // episode.json cannot be read (`error` says where and why)
};

// Reads the summary of one episode folder (status.json + key_objects.json without its per-frame
// part). Missing files give "not run"; unreadable ones are reported in `error`.
EpisodeSummary ReadEpisodeSummary(const std::filesystem::path& episode_dir);

// Lists a project's episodes. Name and frame count come from the project index; the pipeline
// columns are filled lazily: the first time a row is shown its summary is read on a background
// thread and cached, so opening a project reads project.json only and nothing decodes frames.
class EpisodeTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Columns shown.
  enum Column {
    kName = 0,
    kFrames,
    kContext,
    kDetect,
    kTrack,
    kKeyObjectsStage,
    kSaliency,
    kFailures,
    kSubsequences,
    kKeyObjects,
    kReview,
    kColumnCount
  };
  // Role with a sortable value for every column (numbers stay numbers).
  static constexpr int kSortRole = Qt::UserRole + 1;
  // Role: true when the row's summary has been loaded.
  static constexpr int kLoadedRole = Qt::UserRole + 2;

  explicit EpisodeTableModel(QObject* parent = nullptr);
  ~EpisodeTableModel() override;
  // Replaces the listed project (nullptr clears); the store must outlive the model.
  void SetProject(const ProjectStore* store);
  // Forgets the cached summary of an episode (re-read when next shown), e.g. after a run.
  void InvalidateEpisode(const QString& name);
  // Forgets every cached summary.
  void InvalidateAll();
  // Marks an episode for review (the curation hook); shown in the Review column.
  void SetReviewFlag(const QString& name, bool flagged);
  bool reviewFlag(const QString& name) const { return review_.contains(name); }
  // Loads the summaries of every row synchronously (tests, sorting by a pipeline column).
  void LoadAllNow();
  // Episode name of a source row.
  QString episodeName(int row) const;
  // Row of an episode name, or -1.
  int rowOf(const QString& name) const;
  // Number of summaries read so far (tests check laziness with it).
  int loadedCount() const { return static_cast<int>(summaries_.size()); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  void Request(int row) const;
  void StartBatch();
  void Deliver(int generation, const std::vector<std::pair<int, EpisodeSummary>>& results);

  const ProjectStore* store_ = nullptr;
  std::atomic<int> generation_{0};
  QHash<int, EpisodeSummary> summaries_;
  mutable QSet<int> requested_;
  mutable std::vector<int> queue_;
  mutable QTimer batch_timer_;
  QSet<QString> review_;
  QThreadPool pool_;
};

// Sort + filter over EpisodeTableModel: text on the name, plus a status filter.
class EpisodeFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  // Which rows pass besides the text filter.
  enum class Mode { kAll = 0, kFailed, kFlagged, kNotRun, kDone };
  explicit EpisodeFilterProxy(QObject* parent = nullptr);
  void SetMode(Mode mode);
  Mode mode() const { return mode_; }

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  Mode mode_ = Mode::kAll;
};

}  // namespace autofocus
