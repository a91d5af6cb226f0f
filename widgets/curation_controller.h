#pragma once

#include <QObject>
#include <QString>
#include <QUndoCommand>
#include <QUndoStack>
#include <map>
#include <memory>
#include <string>

#include "core/curation/edit_journal.h"

namespace autofocus {

class StudioDocument;

// Owns the curation of the open project: the curated state of each episode touched (pipeline
// artifacts + the journal replayed), the project's EditJournal and one QUndoStack. Every edit
// is pushed as a CurationCommand; redo/undo apply the edit or its inverse, append it to the
// journal (fsync'ed) and write the affected annotations into the StudioDocument so every view
// and the saliency map update at once.
class CurationController : public QObject {
  Q_OBJECT
 public:
  explicit CurationController(StudioDocument* doc, QObject* parent = nullptr);
  ~CurationController() override;

  // The project's undo stack (cleared when another project opens).
  QUndoStack* undoStack() const { return stack_; }
  // The curated state of the current episode, or nullptr.
  const CurationState* current() const;
  // The journal of the open project, or nullptr.
  EditJournal* journal() const { return journal_.get(); }

  // Pushes an edit for the current episode (episode is filled in). Returns false and emits
  // message() with the reason when the edit does not apply; nothing is journaled then.
  bool Push(Edit edit);
  // Writes the curated state of every edited episode into its key_objects.json. Returns the
  // number of episodes written.
  int Bake();

  // Applies `edit` to its episode's state, journals it (kind do/undo/redo) and updates the
  // document; returns the inverse. Used by CurationCommand; throws Error when it does not fit.
  Edit ApplyAndJournal(Edit& edit, const std::string& kind, long long of, long long* seq);

 Q_SIGNALS:
  // The curated state of the current episode changed (after an edit, undo, redo or load).
  void stateChanged();
  // A message for the log: severity 0 info, 1 warning, 2 error.
  void message(int severity, const QString& episode, const QString& text);

 private:
  void OnProjectChanged();
  void OnEpisodeChanged();
  CurationState& StateFor(const std::string& episode);
  void SyncDocument(const CurationState& s, const EditEffect& fx, bool everything);

  StudioDocument* doc_;
  QUndoStack* stack_;
  std::unique_ptr<EditJournal> journal_;
  std::map<std::string, CurationState> states_;
  QString project_;
};

// One undoable curation edit (Tiled style: the first redo applies the edit, later redos apply it
// again, undo applies the inverse; each is journaled).
class CurationCommand : public QUndoCommand {
 public:
  CurationCommand(CurationController* controller, Edit edit);
  void redo() override;
  void undo() override;
  // False when the first application failed (the command is then made obsolete).
  bool ok() const { return ok_; }
  const QString& error() const { return error_; }

 private:
  CurationController* controller_;
  Edit edit_;
  Edit inverse_;
  long long do_seq_ = 0;
  long long undo_seq_ = 0;
  bool ok_ = true;
  QString error_;
};

}  // namespace autofocus
