#include "widgets/shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMainWindow>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace autofocus {

QList<QAction*> ActionsWithShortcuts(QMainWindow* window) {
  QList<QAction*> out;
  for (QAction* a : window->findChildren<QAction*>()) {
    if (a->shortcut().isEmpty() || out.contains(a)) continue;
    out << a;
  }
  std::sort(out.begin(), out.end(), [](QAction* a, QAction* b) {
    return a->text().remove('&').localeAwareCompare(b->text().remove('&')) < 0;
  });
  return out;
}

ShortcutsDialog::ShortcutsDialog(QMainWindow* window, QWidget* parent) : QDialog(parent) {
  setObjectName("shortcutsDialog");
  setWindowTitle(tr("Keyboard Shortcuts"));
  auto* layout = new QVBoxLayout(this);
  auto* filter = new QLineEdit(this);
  filter->setPlaceholderText(tr("Filter"));
  filter->setClearButtonEnabled(true);
  const QList<QAction*> actions = ActionsWithShortcuts(window);
  table_ = new QTableWidget(static_cast<int>(actions.size()), 3, this);
  table_->setHorizontalHeaderLabels({tr("Command"), tr("Shortcut"), tr("Description")});
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  for (int i = 0; i < actions.size(); ++i) {
    QAction* a = actions[i];
    QStringList keys;
    for (const QKeySequence& k : a->shortcuts()) keys << k.toString(QKeySequence::NativeText);
    table_->setItem(i, 0, new QTableWidgetItem(a->text().remove('&')));
    table_->setItem(i, 1, new QTableWidgetItem(keys.join(", ")));
    table_->setItem(i, 2, new QTableWidgetItem(a->toolTip() == a->text().remove('&') ? QString() : a->toolTip()));
  }
  table_->resizeColumnsToContents();
  connect(filter, &QLineEdit::textChanged, this, [this](const QString& text) {
    for (int r = 0; r < table_->rowCount(); ++r) {
      bool match = text.isEmpty();
      for (int c = 0; c < 3 && !match; ++c) match = table_->item(r, c)->text().contains(text, Qt::CaseInsensitive);
      table_->setRowHidden(r, !match);
    }
  });
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(filter);
  layout->addWidget(table_, 1);
  layout->addWidget(buttons);
  resize(640, 560);
}

}  // namespace autofocus
