#include "widgets/episode_table_model.h"

#include <QBrush>
#include <QColor>
#include <fstream>
#include <set>

#include "core/base/json_io.h"

namespace autofocus {
namespace {

const char* const kStages[] = {"context", "detect", "track", "key_objects", "saliency"};
constexpr int kStageCount = 5;

// Parses a JSON file, skipping the top-level fields in `skip` while parsing (the per-frame
// part of key_objects.json is by far its largest and the table does not need it).
Json ParseSkipping(const std::filesystem::path& path, const std::set<std::string>& skip) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  Json::parser_callback_t cb = [&skip](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth == 1 && event == Json::parse_event_t::key && parsed.is_string()) {
      return skip.count(parsed.get<std::string>()) == 0;
    }
    return true;
  };
  return Json::parse(in, cb);
}

}  // namespace

EpisodeSummary ReadEpisodeSummary(const std::filesystem::path& dir) {
  EpisodeSummary s;
  s.stages.assign(kStageCount, 0);
  std::error_code ec;
  try {
    // The table is where a damaged episode shows up first, with the file, line and reason.
    LoadJsonFile(dir / "episode.json");
  } catch (const std::exception& e) {
    s.damaged = true;
    s.error = QString::fromStdString(e.what());
    return s;
  }
  try {
    const auto status_file = dir / "status.json";
    if (std::filesystem::exists(status_file, ec)) {
      const Json st = ParseSkipping(status_file, {});
      const Json stages = st.value("stages", Json::object());
      for (int i = 0; i < kStageCount; ++i) {
        if (stages.contains(kStages[i])) s.stages[static_cast<size_t>(i)] = 1;
      }
      const Json err = st.value("error", Json());
      if (err.is_object()) {
        s.error = QString::fromStdString(err.value("message", ""));
        s.failed_stage = QString::fromStdString(err.value("stage", ""));
        for (int i = 0; i < kStageCount; ++i) {
          if (s.failed_stage == QLatin1String(kStages[i])) s.stages[static_cast<size_t>(i)] = 2;
        }
      }
    }
    const auto key_file = dir / "key_objects.json";
    if (std::filesystem::exists(key_file, ec)) {
      const Json k = ParseSkipping(key_file, {"frames"});
      std::set<int> keys;
      const Json segs = k.value("segments", Json::array());
      for (const Json& seg : segs) {
        for (const Json& id : seg.value("key_ids", Json::array())) keys.insert(id.get<int>());
        if (seg.value("status", "ok") != "ok") ++s.failed_segments;
      }
      s.subsequences = static_cast<int>(segs.size());
      s.key_objects = static_cast<int>(keys.size());
    } else {
      const auto tracks_file = dir / "tracks.json";
      if (std::filesystem::exists(tracks_file, ec)) {
        // Only the segment list is wanted; the per-frame detections are skipped by the parser.
        const Json t = ParseSkipping(tracks_file, {"provenance"});
        if (t.contains("result")) s.subsequences = static_cast<int>(t["result"].value("segments", Json::array()).size());
      }
    }
  } catch (const std::exception& e) {
    s.error = QString::fromStdString(e.what());
  }
  return s;
}

EpisodeTableModel::EpisodeTableModel(QObject* parent) : QAbstractTableModel(parent) {
  pool_.setMaxThreadCount(1);
  batch_timer_.setSingleShot(true);
  batch_timer_.setInterval(0);
  connect(&batch_timer_, &QTimer::timeout, this, &EpisodeTableModel::StartBatch);
}

EpisodeTableModel::~EpisodeTableModel() {
  ++generation_;
  pool_.waitForDone();
}

void EpisodeTableModel::SetProject(const ProjectStore* store) {
  beginResetModel();
  store_ = store;
  ++generation_;
  summaries_.clear();
  requested_.clear();
  queue_.clear();
  review_.clear();
  endResetModel();
}

void EpisodeTableModel::InvalidateEpisode(const QString& name) {
  const int row = rowOf(name);
  if (row < 0) return;
  summaries_.remove(row);
  requested_.remove(row);
  Q_EMIT dataChanged(index(row, kContext), index(row, kColumnCount - 1));
}

void EpisodeTableModel::InvalidateAll() {
  ++generation_;
  summaries_.clear();
  requested_.clear();
  queue_.clear();
  if (rowCount() > 0) Q_EMIT dataChanged(index(0, kContext), index(rowCount() - 1, kColumnCount - 1));
}

void EpisodeTableModel::SetReviewFlag(const QString& name, bool flagged) {
  if (flagged == review_.contains(name)) return;
  if (flagged) {
    review_.insert(name);
  } else {
    review_.remove(name);
  }
  const int row = rowOf(name);
  if (row >= 0) Q_EMIT dataChanged(index(row, kReview), index(row, kReview));
}

QString EpisodeTableModel::episodeName(int row) const {
  if (!store_ || row < 0 || row >= rowCount()) return {};
  return QString::fromStdString(store_->info().episodes[static_cast<size_t>(row)].name);
}

int EpisodeTableModel::rowOf(const QString& name) const {
  if (!store_) return -1;
  const auto& eps = store_->info().episodes;
  const std::string n = name.toStdString();
  for (size_t i = 0; i < eps.size(); ++i) {
    if (eps[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

void EpisodeTableModel::LoadAllNow() {
  if (!store_) return;
  for (int row = 0; row < rowCount(); ++row) {
    if (summaries_.contains(row)) continue;
    const auto& e = store_->info().episodes[static_cast<size_t>(row)];
    summaries_.insert(row, ReadEpisodeSummary(store_->root() / e.dir));
    requested_.insert(row);
  }
  if (rowCount() > 0) Q_EMIT dataChanged(index(0, kContext), index(rowCount() - 1, kColumnCount - 1));
}

void EpisodeTableModel::Request(int row) const {
  if (requested_.contains(row)) return;
  requested_.insert(row);
  queue_.push_back(row);
  // data() is const and may be called many times per paint: batch the rows of one paint.
  if (!batch_timer_.isActive()) batch_timer_.start();
}

void EpisodeTableModel::StartBatch() {
  if (!store_ || queue_.empty()) return;
  std::vector<std::pair<int, std::filesystem::path>> work;
  for (int row : queue_) {
    const auto& e = store_->info().episodes[static_cast<size_t>(row)];
    work.emplace_back(row, store_->root() / e.dir);
  }
  queue_.clear();
  const int generation = generation_;
  pool_.start([this, generation, work = std::move(work)] {
    std::vector<std::pair<int, EpisodeSummary>> results;
    for (const auto& [row, dir] : work) {
      results.emplace_back(row, ReadEpisodeSummary(dir));
      // Deliver in small chunks so the first visible rows fill in quickly.
      if (results.size() == 16) {
        QMetaObject::invokeMethod(this, [this, generation, r = std::move(results)] { Deliver(generation, r); },
                                  Qt::QueuedConnection);
        results.clear();
      }
      if (generation != generation_) return;  // superseded (benign racy read: worst case one extra file)
    }
    if (!results.empty()) {
      QMetaObject::invokeMethod(this, [this, generation, r = std::move(results)] { Deliver(generation, r); },
                                Qt::QueuedConnection);
    }
  });
}

void EpisodeTableModel::Deliver(int generation, const std::vector<std::pair<int, EpisodeSummary>>& results) {
  if (generation != generation_) return;  // a newer project or invalidation superseded this
  int lo = rowCount(), hi = -1;
  for (const auto& [row, s] : results) {
    if (row >= rowCount()) continue;
    summaries_.insert(row, s);
    lo = std::min(lo, row);
    hi = std::max(hi, row);
  }
  if (hi >= lo) Q_EMIT dataChanged(index(lo, kContext), index(hi, kColumnCount - 1));
}

int EpisodeTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !store_) return 0;
  return static_cast<int>(store_->info().episodes.size());
}

int EpisodeTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant EpisodeTableModel::data(const QModelIndex& index, int role) const {
  if (!store_ || !index.isValid() || index.row() >= rowCount() || index.column() >= kColumnCount) return {};
  const int row = index.row();
  const int col = index.column();
  const auto& e = store_->info().episodes[static_cast<size_t>(row)];
  const QString name = QString::fromStdString(e.name);
  if (col == kName || col == kFrames || col == kReview) {
    const bool flagged = review_.contains(name);
    switch (role) {
      case Qt::DisplayRole:
        if (col == kName) return name;
        if (col == kFrames) return e.num_frames;
        return flagged ? tr("flagged") : QString();
      case kSortRole:
      case Qt::EditRole:
        if (col == kName) return name;
        if (col == kFrames) return e.num_frames;
        return flagged ? 1 : 0;
      case Qt::TextAlignmentRole:
        if (col == kFrames) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
      case Qt::ForegroundRole:
        if (col == kReview && flagged) return QBrush(QColor(230, 160, 40));
        return {};
      case kLoadedRole:
        return summaries_.contains(row);
      default:
        return {};
    }
  }
  const auto it = summaries_.constFind(row);
  if (it == summaries_.constEnd()) {
    Request(row);
    if (role == Qt::DisplayRole) return QStringLiteral("…");
    if (role == kLoadedRole) return false;
    if (role == kSortRole) return -2;
    return {};
  }
  const EpisodeSummary& s = *it;
  if (role == kLoadedRole) return true;
  if (col >= kContext && col <= kSaliency) {
    const int st = s.stages[static_cast<size_t>(col - kContext)];
    switch (role) {
      case Qt::DisplayRole:
        return st == 1 ? QStringLiteral("✓") : st == 2 ? QStringLiteral("✗") : QStringLiteral("·");
      case kSortRole:
        return st;
      case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignCenter);
      case Qt::ForegroundRole:
        return QBrush(st == 1 ? QColor(70, 170, 90) : st == 2 ? QColor(220, 70, 60) : QColor(140, 140, 140));
      case Qt::ToolTipRole:
        return st == 1 ? tr("Done") : st == 2 ? tr("Failed: %1").arg(s.error) : tr("Not run");
      default:
        return {};
    }
  }
  switch (col) {
    case kFailures: {
      const bool failed = !s.error.isEmpty() || s.failed_segments > 0;
      if (role == Qt::DisplayRole) {
        if (!failed) return QString();
        if (s.damaged) return tr("Damaged: %1").arg(s.error);
        if (!s.failed_stage.isEmpty()) return tr("%1: %2").arg(s.failed_stage, s.error);
        if (s.failed_segments > 0) return tr("%n sub-sequence(s) failed", nullptr, s.failed_segments);
        return s.error;
      }
      if (role == kSortRole) return failed ? 1 : 0;
      if (role == Qt::ToolTipRole) return s.error;
      if (role == Qt::ForegroundRole) return QBrush(QColor(220, 70, 60));
      return {};
    }
    case kSubsequences:
    case kKeyObjects: {
      const int v = col == kSubsequences ? s.subsequences : s.key_objects;
      if (role == Qt::DisplayRole) return v >= 0 ? QVariant(v) : QVariant(QStringLiteral("·"));
      if (role == kSortRole) return v;
      if (role == Qt::TextAlignmentRole) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    }
    default:
      return {};
  }
}

QVariant EpisodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case kContext: return tr("Global context + vocabulary (context.json)");
      case kDetect: return tr("Detection on every frame (detections.json)");
      case kTrack: return tr("Tracking and sub-sequences (tracks.json)");
      case kKeyObjectsStage: return tr("VLM key objects (key_objects.json)");
      case kSaliency: return tr("Saliency parameters and coverage (saliency.json)");
      case kKeyObjects: return tr("Distinct key objects over all sub-sequences");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case kName: return tr("Episode");
    case kFrames: return tr("Frames");
    case kContext: return tr("Ctx");
    case kDetect: return tr("Det");
    case kTrack: return tr("Trk");
    case kKeyObjectsStage: return tr("Key");
    case kSaliency: return tr("Sal");
    case kFailures: return tr("Failures");
    case kSubsequences: return tr("Sub-seq.");
    case kKeyObjects: return tr("Key obj.");
    case kReview: return tr("Review");
    default: return {};
  }
}

EpisodeFilterProxy::EpisodeFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(EpisodeTableModel::kSortRole);
  setFilterCaseSensitivity(Qt::CaseInsensitive);
  setFilterKeyColumn(EpisodeTableModel::kName);
  setDynamicSortFilter(true);
}

void EpisodeFilterProxy::SetMode(Mode mode) {
  if (mode == mode_) return;
  mode_ = mode;
  invalidateFilter();
}

bool EpisodeFilterProxy::filterAcceptsRow(int source_row, const QModelIndex& parent) const {
  if (!QSortFilterProxyModel::filterAcceptsRow(source_row, parent)) return false;
  if (mode_ == Mode::kAll) return true;
  const QAbstractItemModel* m = sourceModel();
  auto value = [&](int col) { return m->index(source_row, col, parent).data(EpisodeTableModel::kSortRole); };
  switch (mode_) {
    case Mode::kFailed:
      return value(EpisodeTableModel::kFailures).toInt() == 1;
    case Mode::kFlagged:
      return value(EpisodeTableModel::kReview).toInt() == 1;
    case Mode::kNotRun:
      return value(EpisodeTableModel::kSaliency).toInt() == 0;
    case Mode::kDone:
      return value(EpisodeTableModel::kSaliency).toInt() == 1;
    default:
      return true;
  }
}

}  // namespace autofocus
