#include "widgets/train/train_run_files.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <algorithm>
#include <set>

#include "core/base/error.h"
#include "core/train/run_registry.h"
#include "core/train/train_options.h"

namespace autofocus {
namespace {

// The translation context of these messages (lupdate finds TrainRunFiles::tr).
class TrainRunFiles {
  Q_DECLARE_TR_FUNCTIONS(TrainRunFiles)
};

std::filesystem::path Path(const QString& s) {
  return std::filesystem::path(s.toStdString());
}

bool Fail(QString* error, const QString& reason) {
  if (error) *error = reason;
  return false;
}

// A run whose trainer is alive must keep its folder: it appends metrics and rewrites run.json.
// A run killed without SIGTERM also says "running"; it can be renamed after Resume or by hand.
bool IsRunning(const std::filesystem::path& dir) {
  try {
    return LoadJsonFile(dir / "run.json").value("status", "") == "running";
  } catch (const std::exception&) {
    return false;
  }
}

bool CopyAtomic(const QString& from, const QString& to, QString* error) {
  QFile in(from);
  if (!in.open(QIODevice::ReadOnly))
    return Fail(error, TrainRunFiles::tr("cannot read %1").arg(from));
  QSaveFile out(to);  // writes to a temporary file next to `to` and renames it on commit
  if (!out.open(QIODevice::WriteOnly))
    return Fail(error, TrainRunFiles::tr("cannot write %1").arg(to));
  while (!in.atEnd()) {
    const QByteArray chunk = in.read(1 << 20);
    if (chunk.isEmpty() || out.write(chunk) != chunk.size()) {
      out.cancelWriting();
      return Fail(error, TrainRunFiles::tr("cannot write %1").arg(to));
    }
  }
  if (!out.commit()) return Fail(error, TrainRunFiles::tr("cannot write %1").arg(to));
  return true;
}

QString ValueText(const Json& j, const std::string& key) {
  return j.is_object() && j.contains(key) ? QString::fromStdString(j[key].dump())
                                          : QStringLiteral("—");
}

}  // namespace

bool ValidRunName(const QString& name, QString* error) {
  // The one rule is TrainOptions::Check()'s; the other fields are at their (valid) defaults.
  TrainOptions o;
  o.name = name.toStdString();
  try {
    o.Check();
  } catch (const Error& e) {
    return Fail(error, QString::fromStdString(e.reason()));
  }
  if (name.isEmpty()) return Fail(error, TrainRunFiles::tr("a run needs a name"));
  return true;
}

bool RenameRun(const QString& project, const QString& old_name, const QString& new_name,
               QString* error) {
  if (!ValidRunName(new_name, error)) return false;
  const auto from = RunDirectory(Path(project), old_name.toStdString());
  const auto to = RunDirectory(Path(project), new_name.toStdString());
  if (!std::filesystem::is_directory(from))
    return Fail(error, TrainRunFiles::tr("no run %1").arg(old_name));
  if (std::filesystem::exists(to))
    return Fail(error, TrainRunFiles::tr("a run %1 exists").arg(new_name));
  if (IsRunning(from)) return Fail(error, TrainRunFiles::tr("the run is going; stop it first"));
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) return Fail(error, QString::fromStdString(ec.message()));
  // run.json names the run; a resume reads its config, so both names follow the folder.
  try {
    Json run = LoadJsonFile(to / "run.json");
    run["name"] = new_name.toStdString();
    if (run.contains("config") && run["config"].is_object())
      run["config"]["name"] = new_name.toStdString();
    SaveJsonFile(to / "run.json", run);
  } catch (const std::exception& e) {
    // The folder moved but its run.json could not follow: the run still lists under the
    // new name (the folder is the name), so report and keep it.
    return Fail(error, QString::fromUtf8(e.what()));
  }
  return true;
}

bool TrashRun(const QString& project, const QString& name, QString* trashed, QString* error) {
  const auto from = RunDirectory(Path(project), name.toStdString());
  if (!std::filesystem::is_directory(from))
    return Fail(error, TrainRunFiles::tr("no run %1").arg(name));
  if (IsRunning(from)) return Fail(error, TrainRunFiles::tr("the run is going; stop it first"));
  const auto trash = Path(project) / "trash" / "runs";
  std::error_code ec;
  std::filesystem::create_directories(trash, ec);
  if (ec) return Fail(error, QString::fromStdString(ec.message()));
  // A run deleted twice under the same name keeps both copies.
  auto to = trash / name.toStdString();
  for (int n = 2; std::filesystem::exists(to); ++n)
    to = trash / (name.toStdString() + "-" + std::to_string(n));
  std::filesystem::rename(from, to, ec);
  if (ec) return Fail(error, QString::fromStdString(ec.message()));
  if (trashed) *trashed = QString::fromStdString(to.string());
  return true;
}

bool RestoreRun(const QString& project, const QString& trashed, const QString& name,
                QString* error) {
  const auto to = RunDirectory(Path(project), name.toStdString());
  if (std::filesystem::exists(to))
    return Fail(error, TrainRunFiles::tr("a run %1 exists").arg(name));
  std::error_code ec;
  std::filesystem::rename(Path(trashed), to, ec);
  if (ec) return Fail(error, QString::fromStdString(ec.message()));
  return true;
}

QString ReadRunNotes(const QString& project, const QString& name) {
  QFile f(QString::fromStdString(
      (RunDirectory(Path(project), name.toStdString()) / "notes.md").string()));
  if (!f.open(QIODevice::ReadOnly)) return QString();
  return QString::fromUtf8(f.readAll());
}

bool WriteRunNotes(const QString& project, const QString& name, const QString& text,
                   QString* error) {
  const auto dir = RunDirectory(Path(project), name.toStdString());
  if (!std::filesystem::is_directory(dir))
    return Fail(error, TrainRunFiles::tr("no run %1").arg(name));
  const QString file = QString::fromStdString((dir / "notes.md").string());
  if (text.isEmpty()) {
    if (QFile::exists(file) && !QFile::remove(file))
      return Fail(error, TrainRunFiles::tr("cannot remove %1").arg(file));
    return true;
  }
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly) || out.write(text.toUtf8()) < 0 || !out.commit())
    return Fail(error, TrainRunFiles::tr("cannot write %1").arg(file));
  return true;
}

bool ExportPolicy(const QString& project, const QString& name, const QString& folder,
                  QString* error) {
  const auto dir = RunDirectory(Path(project), name.toStdString());
  const QDir out(folder);
  if (folder.isEmpty() || !out.exists())
    return Fail(error, TrainRunFiles::tr("no folder %1").arg(folder));
  for (const char* file : {"policy.pt", "policy.json"}) {
    if (!std::filesystem::exists(dir / file))
      return Fail(error, TrainRunFiles::tr("the run has no %1 (it has not completed)").arg(file));
  }
  for (const char* file : {"policy.pt", "policy.json"}) {
    if (!CopyAtomic(QString::fromStdString((dir / file).string()), out.filePath(file), error))
      return false;
  }
  return true;
}

std::vector<ConfigDifference> ConfigDiff(const Json& a, const Json& b) {
  std::vector<std::string> keys = TrainOptions::FieldNames();
  std::set<std::string> seen(keys.begin(), keys.end());
  // Keys of another version of TrainOptions (or lambda_option) still show up.
  for (const Json* j : {&a, &b}) {
    if (!j->is_object()) continue;
    for (auto it = j->begin(); it != j->end(); ++it) {
      if (seen.insert(it.key()).second) keys.push_back(it.key());
    }
  }
  std::vector<ConfigDifference> out;
  for (const std::string& k : keys) {
    if (k == "name") continue;
    const QString va = ValueText(a, k), vb = ValueText(b, k);
    if (va != vb) out.push_back({QString::fromStdString(k), va, vb});
  }
  return out;
}

std::vector<RunEvaluation> ReadRunEvaluations(const std::filesystem::path& run_dir) {
  std::vector<RunEvaluation> out;
  std::error_code ec;
  const auto dir = run_dir / "evaluations";
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    try {
      const Json j = LoadJsonFile(entry.path());
      if (!j.is_object() || !j.contains("mean_score") || !j["mean_score"].is_number()) continue;
      out.push_back(
          {QString::fromStdString(entry.path().stem().string()), j["mean_score"].get<double>()});
    } catch (const std::exception&) {
      // Being written by the evaluator: the watcher re-reads it when it is complete.
    }
  }
  std::sort(out.begin(), out.end(),
            [](const RunEvaluation& x, const RunEvaluation& y) { return x.key < y.key; });
  return out;
}

double RunSeconds(const Json& run) {
  if (!run.is_object() || !run.contains("sessions") || !run["sessions"].is_array()) return -1;
  double total = 0;
  for (const Json& s : run["sessions"]) {
    if (!s.is_object()) continue;
    if (s.contains("seconds") && s["seconds"].is_number()) {
      total += s["seconds"].get<double>();
    } else if (s.contains("started") && s["started"].is_string() &&
               run.value("status", "") == "running") {
      const QDateTime t = QDateTime::fromString(
          QString::fromStdString(s["started"].get<std::string>()), Qt::ISODate);
      if (t.isValid()) total += std::max<qint64>(0, t.secsTo(QDateTime::currentDateTimeUtc()));
    }
  }
  return total;
}

}  // namespace autofocus
