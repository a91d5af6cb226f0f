#pragma once

namespace autofocus {

class CurationController;
class CurationPanel;
class LogModel;
class MainWindow;
class RunsPanel;

// What InstallCuration() added to a main window (all owned by the window).
struct CurationUi {
  CurationController* controller = nullptr;  // edits, journal, undo stack
  CurationPanel* objects = nullptr;          // "Objects" dock content
  RunsPanel* runs = nullptr;                 // "Runs" dock content
  LogModel* log = nullptr;                   // the one log model ("Log" dock)
};

// Adds curation to `window`: the controller (journal + QUndoStack), Undo/Redo/Bake in the Edit
// menu, the Objects, History (QUndoView), Runs and Log docks, Run Pipeline, and Help >
// Keyboard Shortcuts (F1). Called once by the MainWindow constructor.
CurationUi InstallCuration(MainWindow* window);

// What InstallCuration() installed on `window` (found by object names), for tests and main().
CurationUi FindCurationUi(const MainWindow* window);

}  // namespace autofocus
