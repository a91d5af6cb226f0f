#pragma once

namespace autofocus {

class LogModel;
class MainWindow;
class TrainDock;
class TrainRunsModel;
class TrainRunsPanel;

// What InstallTraining() added to a main window (all owned by the window).
struct TrainUi {
  TrainDock* dock = nullptr;        // "Train" dock content
  TrainRunsModel* runs = nullptr;   // the project's training runs
  TrainRunsPanel* panel = nullptr;  // "Training Runs" dock content
};

// Adds the Train and Training Runs docks (listed under View > Panels) to `window`, following
// the open project; outcomes go to `log`. Called once by the MainWindow constructor.
TrainUi InstallTraining(MainWindow* window, LogModel* log);

// What InstallTraining() installed on `window` (found by object names).
TrainUi FindTrainUi(const MainWindow* window);

}  // namespace autofocus
