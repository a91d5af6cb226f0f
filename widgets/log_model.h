#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QSortFilterProxyModel>
#include <QString>
#include <vector>

namespace autofocus {

// The one log of the studio: pipeline runs, connection checks, curation journal replays and
// errors land here as rows (severity, time, episode, message) instead of message boxes.
class LogModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // Severity of an entry.
  enum Severity { kInfo = 0, kWarning = 1, kError = 2 };
  // Columns.
  enum Column { kSeverity = 0, kTime, kEpisode, kMessage, kColumnCount };
  // One row.
  struct Entry {
    Severity severity = kInfo;  // how bad
    QDateTime time;             // when it was logged
    QString episode;            // the episode it is about, or empty
    QString message;            // what happened
  };

  explicit LogModel(QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // Appends a row (oldest rows are dropped beyond maxEntries()).
  void Add(Severity severity, const QString& episode, const QString& message);
  void Clear();
  const std::vector<Entry>& entries() const { return entries_; }
  // Rows kept at most (default 10000).
  int maxEntries() const { return max_entries_; }
  void SetMaxEntries(int n) { max_entries_ = n; }
  // Number of rows with `severity`.
  int Count(Severity severity) const;
  static QString SeverityName(Severity s);

 Q_SIGNALS:
  // A row was added (for status-bar counters).
  void entryAdded(int severity);

 private:
  std::vector<Entry> entries_;
  int max_entries_ = 10000;
};

// Filters the log by minimum severity and a text (matched against episode and message).
class LogFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit LogFilterProxy(QObject* parent = nullptr);
  // Rows below this severity are hidden (default kInfo: everything).
  void SetMinSeverity(int severity);
  int minSeverity() const { return min_severity_; }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

 private:
  int min_severity_ = 0;
};

}  // namespace autofocus
