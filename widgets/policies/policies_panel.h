#pragma once

#include <QWidget>

class QTableView;

namespace autofocus {

class CompareData;
class CompareView;
class PoliciesModel;
class StudioDocument;

// The Policies dock: the project's runs with check boxes (PoliciesModel); checked policies'
// attention maps of the current episode are computed in the background, and Compare opens the
// compare view (a window of its own, sized for four panes) on them.
class PoliciesPanel : public QWidget {
  Q_OBJECT
 public:
  PoliciesPanel(StudioDocument* doc, QWidget* parent = nullptr);

  PoliciesModel* model() const { return model_; }
  CompareData* compareData() const { return data_; }
  // The compare window's view (created with the panel, shown by OpenCompare).
  CompareView* compareView() const { return view_; }
  // Checks `runs` and shows the compare window.
  void OpenCompare(const QStringList& runs = {});

 private:
  // Pane sources from the checked runs: up to three policies plus the saliency target.
  void UpdateSources();

  StudioDocument* doc_;
  PoliciesModel* model_;
  CompareData* data_;
  QWidget* window_;
  CompareView* view_;
  QTableView* table_;
};

class MainWindow;

// Adds the Policies dock (View > Panels) to `window`, following the open project, and connects
// the Training Runs panel's Compare Attention action to it. Called once by MainWindow.
PoliciesPanel* InstallPolicies(MainWindow* window);

}  // namespace autofocus
