#include "widgets/policies/policies_model.h"

#include <QDir>
#include <filesystem>

#include "core/base/json_io.h"
#include "core/train/run_registry.h"

namespace autofocus {
namespace fs = std::filesystem;

namespace {

// "seen 46.3 · unseen/confounded 17.4": every closed-loop result the run folder holds.
QString ScoreText(const fs::path& run_dir) {
  QStringList parts;
  std::error_code ec;
  const fs::path dir = run_dir / "evaluations";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    try {
      const Json j = LoadJsonFile(f);
      QString name = QString::fromStdString(f.stem().string());
      name.replace("-original", "").replace("-", "/");
      parts << QStringLiteral("%1 %2").arg(name).arg(j.at("mean_score").get<double>(), 0, 'f', 1);
    } catch (const std::exception&) {
      // A result being written (or broken) is shown once it is readable.
    }
  }
  return parts.join(QStringLiteral(" · "));
}

}  // namespace

PoliciesModel::PoliciesModel(QObject* parent) : QAbstractTableModel(parent) {
  setObjectName("policiesModel");
}

void PoliciesModel::SetProject(const QString& dir) {
  if (dir != project_) {
    beginResetModel();
    rows_.clear();
    project_ = dir;
    endResetModel();
  }
  Refresh();
}

void PoliciesModel::Refresh() {
  QMap<QString, Row> old;
  for (const auto& r : rows_) old[r.name] = r;
  std::vector<Row> rows;
  if (!project_.isEmpty()) {
    const fs::path project = project_.toStdString();
    for (const auto& s : ListRuns(project)) {
      Row r;
      r.name = QString::fromStdString(s.name);
      r.regularizer = QString::fromStdString(s.regularizer);
      r.status = QString::fromStdString(s.status);
      r.best_val_bc = s.best_val_bc;
      r.has_policy = s.has_policy;
      const fs::path dir = RunDirectory(project, s.name);
      try {
        r.target = QString::fromStdString(
            LoadJsonFile(dir / "run.json").at("config").value("target", std::string()));
      } catch (const std::exception&) {
      }
      r.score = ScoreText(dir);
      if (old.contains(r.name)) {
        r.checked = old[r.name].checked && r.has_policy;
        r.attention = old[r.name].attention;
      }
      rows.push_back(r);
    }
  }
  const QStringList before = checkedRuns();
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
  if (checkedRuns() != before) Q_EMIT checkedChanged(checkedRuns());
}

QStringList PoliciesModel::checkedRuns() const {
  QStringList out;
  for (const auto& r : rows_)
    if (r.checked) out << r.name;
  return out;
}

int PoliciesModel::RowOf(const QString& run) const {
  for (size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].name == run) return static_cast<int>(i);
  return -1;
}

void PoliciesModel::SetChecked(const QString& run, bool checked) {
  const int row = RowOf(run);
  if (row >= 0)
    setData(index(row, kName), checked ? Qt::Checked : Qt::Unchecked, Qt::CheckStateRole);
}

void PoliciesModel::SetAttentionState(const QString& run, const QString& state) {
  const int row = RowOf(run);
  if (row < 0 || rows_[static_cast<size_t>(row)].attention == state) return;
  rows_[static_cast<size_t>(row)].attention = state;
  Q_EMIT dataChanged(index(row, kAttention), index(row, kAttention));
}

int PoliciesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int PoliciesModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant PoliciesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& r = rows_[static_cast<size_t>(index.row())];
  if (role == Qt::CheckStateRole && index.column() == kName)
    return r.checked ? Qt::Checked : Qt::Unchecked;
  if (role == Qt::ToolTipRole && index.column() == kName && !r.has_policy)
    return tr("No policy.pt yet: the run has not finished");
  if (role == Qt::TextAlignmentRole && index.column() == kValBc)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kName:
      return r.name;
    case kRegularizer:
      return r.regularizer;
    case kTarget:
      return r.target;
    case kStatus:
      return r.status;
    case kValBc:
      return r.best_val_bc < 0 ? QString() : QString::number(r.best_val_bc, 'g', 4);
    case kScore:
      return r.score;
    case kAttention:
      return r.attention;
    default:
      return {};
  }
}

bool PoliciesModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.column() != kName || role != Qt::CheckStateRole) return false;
  Row& r = rows_[static_cast<size_t>(index.row())];
  const bool checked = value.toInt() == Qt::Checked;
  if (!r.has_policy && checked) return false;
  if (r.checked == checked) return true;
  r.checked = checked;
  Q_EMIT dataChanged(index, index, {Qt::CheckStateRole});
  Q_EMIT checkedChanged(checkedRuns());
  return true;
}

Qt::ItemFlags PoliciesModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (index.column() == kName && rows_[static_cast<size_t>(index.row())].has_policy)
    f |= Qt::ItemIsUserCheckable;
  return f;
}

QVariant PoliciesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Policy");
    case kRegularizer:
      return tr("Regulariser");
    case kTarget:
      return tr("Target");
    case kStatus:
      return tr("Status");
    case kValBc:
      return tr("Best val BC");
    case kScore:
      return tr("Closed loop");
    case kAttention:
      return tr("Attention");
    default:
      return {};
  }
}

}  // namespace autofocus
