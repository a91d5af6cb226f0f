#pragma once

#include <QDialog>

class QMainWindow;
class QTableWidget;

namespace autofocus {

// Help > Keyboard Shortcuts (F1): every QAction of the window that has a shortcut, with its
// menu text, key sequence and tip, sorted by text, filterable.
class ShortcutsDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ShortcutsDialog(QMainWindow* window, QWidget* parent = nullptr);
  // The table (for tests).
  QTableWidget* table() const { return table_; }

 private:
  QTableWidget* table_;
};

// The actions of `window` (and its children) that have a shortcut, deduplicated.
QList<class QAction*> ActionsWithShortcuts(QMainWindow* window);

}  // namespace autofocus
