#pragma once

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QTableView;

namespace autofocus {

class CurationController;
class CurationObjectModel;
class StudioDocument;

// The "Objects" dock: the objects of the current sub-sequence with key checkboxes and the
// curation actions (toggle key, delete box, merge, split, exclude frame/episode, flag with a
// note, bake). Every action is a QAction with a shortcut and an objectName, added to the main
// window's Edit menu by InstallCuration().
class CurationPanel : public QWidget {
  Q_OBJECT
 public:
  CurationPanel(StudioDocument* doc, CurationController* curation, QWidget* parent = nullptr);

  CurationObjectModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  // The curation actions (for menus and the shortcuts dialog).
  QList<QAction*> curationActions() const { return actions_; }

  // Action handlers (also used by tests).
  void ToggleSelectedKey();
  void DeleteSelectedBox();
  void MergeSelected();
  void SplitSelected();
  void ToggleExcludeFrame();
  void ToggleExcludeEpisode();
  void ToggleFlag();

 private:
  QList<int> SelectedIds() const;
  QAction* AddAction(const char* name, const QString& text, const QKeySequence& key, const QString& tip);
  void UpdateStatus();

  StudioDocument* doc_;
  CurationController* curation_;
  CurationObjectModel* model_;
  QTableView* table_;
  QLineEdit* note_;
  QLabel* status_;
  QList<QAction*> actions_;
};

}  // namespace autofocus
