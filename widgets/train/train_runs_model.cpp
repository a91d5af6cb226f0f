#include "widgets/train/train_runs_model.h"

#include <QDir>
#include <QFileSystemWatcher>
#include <QLocale>
#include <QTimer>

#include "core/base/json_io.h"

namespace autofocus {
namespace {

// A run writes run.json every epoch and several files at once: one re-read per burst.
constexpr int kDebounceMs = 300;

TrainRunRow ReadRow(const std::filesystem::path& project, RunSummary s) {
  TrainRunRow row;
  // ListRuns has already reported an unreadable run.json; its config is not read again.
  if (s.status != "unreadable") {
    try {
      const Json j = LoadJsonFile(RunDirectory(project, s.name) / "run.json");
      if (j.contains("config") && j["config"].is_object()) {
        const Json& c = j["config"];
        row.model = QString::fromStdString(c.value("model", ""));
        row.target = QString::fromStdString(c.value("target", ""));
        if (c.contains("lambda") && c["lambda"].is_number()) row.lambda = c["lambda"].get<double>();
        if (c.contains("fraction") && c["fraction"].is_number())
          row.fraction = c["fraction"].get<double>();
      }
      row.seconds = RunSeconds(j);
    } catch (const std::exception&) {
      // Replaced between ListRuns and here: the next refresh shows it.
    }
  }
  const QString project_q = QString::fromStdString(project.string());
  const QString name = QString::fromStdString(s.name);
  row.evaluations = ReadRunEvaluations(RunDirectory(project, s.name));
  row.notes = ReadRunNotes(project_q, name);
  row.summary = std::move(s);
  return row;
}

QString Duration(double seconds) {
  if (seconds < 0) return QString();
  const qint64 s = static_cast<qint64>(seconds + 0.5);
  if (s < 60) return TrainRunsModel::tr("%1 s").arg(s);
  if (s < 3600) return TrainRunsModel::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
  return TrainRunsModel::tr("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60);
}

}  // namespace

QString TrainRunsModel::StatusText(const std::string& status) {
  if (status == "running") return tr("running");
  if (status == "stopped") return tr("stopped");
  if (status == "completed") return tr("completed");
  if (status == "failed") return tr("failed");
  if (status == "unreadable") return tr("unreadable");
  return QString::fromStdString(status);
}

TrainRunsModel::TrainRunsModel(QObject* parent)
    : QAbstractTableModel(parent),
      watcher_(new QFileSystemWatcher(this)),
      debounce_(new QTimer(this)) {
  setObjectName("trainRunsModel");
  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounceMs);
  connect(debounce_, &QTimer::timeout, this, &TrainRunsModel::Refresh);
  connect(watcher_, &QFileSystemWatcher::directoryChanged, debounce_, qOverload<>(&QTimer::start));
}

void TrainRunsModel::SetProject(const QString& project_dir) {
  project_ = project_dir;
  Refresh();
}

void TrainRunsModel::Refresh() {
  beginResetModel();
  rows_.clear();
  if (!project_.isEmpty()) {
    const std::filesystem::path project = project_.toStdString();
    for (RunSummary& s : ListRuns(project)) rows_.push_back(ReadRow(project, std::move(s)));
  }
  endResetModel();
  UpdateWatches();
  Q_EMIT refreshed();
}

void TrainRunsModel::UpdateWatches() {
  const QStringList old = watcher_->directories();
  if (!old.isEmpty()) watcher_->removePaths(old);
  if (project_.isEmpty()) return;
  const QDir runs(QDir(project_).filePath("runs"));
  // Before the first run there is no runs/ folder: watch the project for it to appear.
  QStringList paths = {runs.exists() ? runs.path() : project_};
  for (const TrainRunRow& r : rows_) {
    const QString dir = runs.filePath(QString::fromStdString(r.summary.name));
    paths << dir;
    // An evaluation writes its files inside evaluations/, which the run folder does not see.
    if (QDir(dir).exists("evaluations")) paths << QDir(dir).filePath("evaluations");
  }
  watcher_->addPaths(paths);
}

int TrainRunsModel::RowOf(const QString& name) const {
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (QString::fromStdString(rows_[i].summary.name) == name) return static_cast<int>(i);
  }
  return -1;
}

int TrainRunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int TrainRunsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant TrainRunsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const TrainRunRow& r = rows_[static_cast<size_t>(index.row())];
  const RunSummary& s = r.summary;
  if (role == Qt::ToolTipRole) {
    if (!s.error.empty()) return QString::fromStdString(s.error);
    if (index.column() == kNotes || index.column() == kName)
      return r.notes.isEmpty() ? QVariant() : QVariant(r.notes);
    if (index.column() == kClosedLoop && r.evaluations.empty())
      return tr("Not evaluated: Evaluate in the sample world writes RUN/evaluations/*.json");
    return {};
  }
  if (role == Qt::TextAlignmentRole) {
    if (index.column() == kLambda || index.column() == kBestValBc || index.column() == kFraction ||
        index.column() == kDuration)
      return QVariant(static_cast<int>(Qt::AlignRight | Qt::AlignVCenter));
    return {};
  }
  // The raw value for sorting and tests; the text for display.
  const bool display = role == Qt::DisplayRole;
  if (!display && role != Qt::UserRole) return {};
  switch (index.column()) {
    case kName:
      return QString::fromStdString(s.name);
    case kStatus:
      return display ? StatusText(s.status) : QVariant(QString::fromStdString(s.status));
    case kCreated:
      return QString::fromStdString(s.created);
    case kDuration:
      if (r.seconds < 0) return display ? QVariant(QString()) : QVariant();
      return display ? QVariant(Duration(r.seconds)) : QVariant(r.seconds);
    case kModel:
      return r.model;
    case kRegularizer:
      return QString::fromStdString(s.regularizer);
    case kLambda:
      if (r.lambda < 0) return display ? QVariant(QString()) : QVariant();
      return display ? QVariant(QLocale().toString(r.lambda, 'g', 4)) : QVariant(r.lambda);
    case kTarget:
      return r.target;
    case kFraction:
      if (r.fraction < 0) return display ? QVariant(QString()) : QVariant();
      return display ? QVariant(QLocale().toString(r.fraction, 'g', 3)) : QVariant(r.fraction);
    case kClosedLoop: {
      // One cell for every split/variant evaluated; sorting uses the first score.
      if (r.evaluations.empty()) return display ? QVariant(QString()) : QVariant();
      if (!display) return r.evaluations.front().mean_score;
      QStringList parts;
      for (const RunEvaluation& e : r.evaluations)
        parts << QStringLiteral("%1 %2").arg(e.key, QLocale().toString(e.mean_score, 'g', 3));
      return parts.join(QStringLiteral(" · "));
    }
    case kNotes:
      return r.notes.section('\n', 0, 0);
    case kBestValBc:
      if (s.best_val_bc < 0) return display ? QVariant(QString()) : QVariant();
      return display ? QVariant(QLocale().toString(s.best_val_bc, 'g', 5))
                     : QVariant(s.best_val_bc);
    case kPolicy:
      return display ? QVariant(s.has_policy ? tr("yes") : QString()) : QVariant(s.has_policy);
    default:
      return {};
  }
}

QVariant TrainRunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Name");
    case kStatus:
      return tr("Status");
    case kCreated:
      return tr("Started");
    case kDuration:
      return tr("Duration");
    case kModel:
      return tr("Model");
    case kRegularizer:
      return tr("Regulariser");
    case kLambda:
      return tr("Lambda");
    case kTarget:
      return tr("Target");
    case kFraction:
      return tr("Fraction");
    case kBestValBc:
      return tr("Best val. BC");
    case kClosedLoop:
      return tr("Closed-loop score");
    case kPolicy:
      return tr("Policy");
    case kNotes:
      return tr("Notes");
    default:
      return {};
  }
}

}  // namespace autofocus
