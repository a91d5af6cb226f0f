#pragma once

#include <QString>
#include <QStringList>
#include <filesystem>
#include <vector>

#include "core/base/json_io.h"

namespace autofocus {

// File operations of the Training Runs registry on PROJECT/runs/NAME folders. Each returns
// false with a one-line reason in *error instead of throwing, so the panel can log it.

// Whether `name` may name a run folder (the rule of TrainOptions::Check() for names).
bool ValidRunName(const QString& name, QString* error = nullptr);
// Renames runs/OLD to runs/NEW and sets run.json "name" and "config.name" to NEW (atomic
// rewrite). Refused when run.json says "running", NEW exists or is not a valid name.
bool RenameRun(const QString& project, const QString& old_name, const QString& new_name,
               QString* error = nullptr);
// Moves runs/NAME to PROJECT/trash/runs/NAME[-N] (never erases); *trashed gets the new folder.
// Refused when run.json says "running".
bool TrashRun(const QString& project, const QString& name, QString* trashed,
              QString* error = nullptr);
// Moves a folder TrashRun() made back to runs/NAME (the undo of TrashRun).
bool RestoreRun(const QString& project, const QString& trashed, const QString& name,
                QString* error = nullptr);
// The run's notes: runs/NAME/notes.md (the trainer rewrites run.json, so notes live apart).
QString ReadRunNotes(const QString& project, const QString& name);
// Writes (or, for empty text, removes) runs/NAME/notes.md atomically.
bool WriteRunNotes(const QString& project, const QString& name, const QString& text,
                   QString* error = nullptr);
// Copies policy.pt and policy.json of a run into `folder` (each through a temporary file in
// `folder` renamed into place, so a reader never sees half a file). Refused when either is
// missing.
bool ExportPolicy(const QString& project, const QString& name, const QString& folder,
                  QString* error = nullptr);

// One field that differs between two run configs.
struct ConfigDifference {
  QString field;  // TrainOptions field name ("lr", "regularizer", ...)
  QString a;      // value in the first run (JSON text; "—" when absent)
  QString b;      // value in the second run
};
// The fields of two run.json "config" objects that differ, in TrainOptions::FieldNames() order
// then any other keys; "name" is left out (every run has its own).
std::vector<ConfigDifference> ConfigDiff(const Json& a, const Json& b);

// One closed-loop evaluation of a run: RUN/evaluations/<split>-<original|confounded>.json.
struct RunEvaluation {
  QString key;             // file stem, e.g. "val-original"
  double mean_score = -1;  // top-level "mean_score" (< 0 when absent)
};
// Every evaluation file of a run with a numeric mean_score, sorted by key.
std::vector<RunEvaluation> ReadRunEvaluations(const std::filesystem::path& run_dir);

// Training seconds of a run from run.json sessions (an open session counts up to now).
double RunSeconds(const Json& run);

}  // namespace autofocus
