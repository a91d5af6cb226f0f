#include "widgets/log_model.h"

#include <QApplication>
#include <QStyle>

namespace autofocus {

LogModel::LogModel(QObject* parent) : QAbstractTableModel(parent) { setObjectName("logModel"); }

int LogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(entries_.size()); }

int LogModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : kColumnCount; }

QString LogModel::SeverityName(Severity s) {
  switch (s) {
    case kWarning:
      return tr("Warning");
    case kError:
      return tr("Error");
    default:
      return tr("Info");
  }
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Entry& e = entries_[static_cast<size_t>(index.row())];
  if (role == Qt::UserRole) return static_cast<int>(e.severity);
  if (role == Qt::DecorationRole && index.column() == kSeverity) {
    const QStyle::StandardPixmap icon = e.severity == kError     ? QStyle::SP_MessageBoxCritical
                                        : e.severity == kWarning ? QStyle::SP_MessageBoxWarning
                                                                 : QStyle::SP_MessageBoxInformation;
    return QApplication::style()->standardIcon(icon);
  }
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  switch (index.column()) {
    case kSeverity:
      return SeverityName(e.severity);
    case kTime:
      return role == Qt::ToolTipRole ? e.time.toString(Qt::ISODateWithMs) : e.time.toString("HH:mm:ss");
    case kEpisode:
      return e.episode;
    case kMessage:
      return e.message;
    default:
      return {};
  }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case kSeverity:
      return tr("Severity");
    case kTime:
      return tr("Time");
    case kEpisode:
      return tr("Episode");
    case kMessage:
      return tr("Message");
    default:
      return {};
  }
}

void LogModel::Add(Severity severity, const QString& episode, const QString& message) {
  if (static_cast<int>(entries_.size()) >= max_entries_ && !entries_.empty()) {
    beginRemoveRows({}, 0, 0);
    entries_.erase(entries_.begin());
    endRemoveRows();
  }
  const int row = rowCount();
  beginInsertRows({}, row, row);
  entries_.push_back({severity, QDateTime::currentDateTime(), episode, message});
  endInsertRows();
  Q_EMIT entryAdded(severity);
}

void LogModel::Clear() {
  beginResetModel();
  entries_.clear();
  endResetModel();
}

int LogModel::Count(Severity severity) const {
  int n = 0;
  for (const auto& e : entries_) n += e.severity == severity ? 1 : 0;
  return n;
}

LogFilterProxy::LogFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void LogFilterProxy::SetMinSeverity(int severity) {
  if (severity == min_severity_) return;
  min_severity_ = severity;
  invalidateFilter();
}

bool LogFilterProxy::filterAcceptsRow(int row, const QModelIndex& parent) const {
  const QModelIndex sev = sourceModel()->index(row, LogModel::kSeverity, parent);
  if (sourceModel()->data(sev, Qt::UserRole).toInt() < min_severity_) return false;
  const QString text = filterRegularExpression().pattern();
  if (text.isEmpty()) return true;
  const QRegularExpression& re = filterRegularExpression();
  return sourceModel()->data(sourceModel()->index(row, LogModel::kEpisode, parent)).toString().contains(re) ||
         sourceModel()->data(sourceModel()->index(row, LogModel::kMessage, parent)).toString().contains(re);
}

}  // namespace autofocus
