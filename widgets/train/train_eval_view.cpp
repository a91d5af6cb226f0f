#include "widgets/train/train_eval_view.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace autofocus {
namespace {

// Infraction keys of InfractionsToJson in the order shown, with short column titles.
struct InfractionColumn {
  const char* key;
  const char* title;
};
const InfractionColumn kInfractions[] = {
    {"pedestrian_collisions", QT_TRANSLATE_NOOP("autofocus::TrainEvalView", "Pedestrians")},
    {"vehicle_collisions", QT_TRANSLATE_NOOP("autofocus::TrainEvalView", "Vehicles")},
    {"static_collisions", QT_TRANSLATE_NOOP("autofocus::TrainEvalView", "Off road")},
    {"red_lights", QT_TRANSLATE_NOOP("autofocus::TrainEvalView", "Red lights")},
    {"stop_signs", QT_TRANSLATE_NOOP("autofocus::TrainEvalView", "Stop signs")},
    {"timeouts", QT_TRANSLATE_NOOP("autofocus::TrainEvalView", "Timeouts")},
};

double Number(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

}  // namespace

TrainEvalView::TrainEvalView(QWidget* parent) : QWidget(parent, Qt::Window) {
  setObjectName("train_eval_view");
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  table_ = new QTableWidget(this);
  table_->setObjectName("train_eval_table");
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSortingEnabled(true);
  table_->verticalHeader()->hide();
  QStringList headers = {tr("Route"), tr("Family"), tr("Seed"), tr("Completion %")};
  for (const auto& c : kInfractions) headers << tr(c.title);
  headers << tr("Score") << tr("Video");
  table_->setColumnCount(headers.size());
  table_->setHorizontalHeaderLabels(headers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  videos_ = new QPushButton(tr("Open Videos Folder"), this);
  videos_->setEnabled(false);
  connect(videos_, &QPushButton::clicked, this,
          [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(video_dir_)); });
  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  buttons->addWidget(videos_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(summary_);
  layout->addWidget(table_);
  layout->addLayout(buttons);
  resize(900, 420);
}

bool TrainEvalView::SetResult(const QString& run, const Json& result) {
  table_->setSortingEnabled(false);
  table_->setRowCount(0);
  video_dir_.clear();
  if (!result.is_object() || !result.contains("runs") || !result["runs"].is_array()) {
    summary_->setText(tr("%1: the evaluation printed no per-route results").arg(run));
    videos_->setEnabled(false);
    return false;
  }
  const Json& runs = result["runs"];
  table_->setRowCount(static_cast<int>(runs.size()));
  int row = 0;
  for (const Json& r : runs) {
    int col = 0;
    auto number = [&](double v, int decimals) {
      auto* item = new QTableWidgetItem;
      // Numbers, not text, in the display role: the columns sort by value.
      const double scale = std::pow(10.0, std::max(decimals, 0));
      item->setData(Qt::DisplayRole, decimals < 0 ? QVariant(static_cast<qlonglong>(v))
                                                  : QVariant(std::round(v * scale) / scale));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      table_->setItem(row, col++, item);
    };
    number(Number(r, "route"), -1);
    table_->setItem(row, col++,
                    new QTableWidgetItem(QString::fromStdString(r.value("family", std::string()))));
    number(Number(r, "seed"), -1);
    number(Number(r, "completion"), 1);
    const Json inf = r.contains("infractions") ? r["infractions"] : Json::object();
    for (const auto& c : kInfractions) number(Number(inf, c.key), -1);
    number(Number(r, "score"), 2);
    const QString video = QString::fromStdString(r.value("video", std::string()));
    table_->setItem(row, col++, new QTableWidgetItem(QFileInfo(video).fileName()));
    if (!video.isEmpty() && video_dir_.isEmpty()) video_dir_ = QFileInfo(video).absolutePath();
    ++row;
  }
  table_->setSortingEnabled(true);
  const QString setting = QString::fromStdString(result.value("setting", std::string()));
  const QString split = QString::fromStdString(result.value("split", std::string()));
  summary_->setText(
      tr("%1 on %2 routes (%3): mean score %4 \u00b1 %5 (standard error) over %6 runs")
          .arg(run, split, setting)
          .arg(Number(result, "mean_score"), 0, 'f', 2)
          .arg(Number(result, "stderr"), 0, 'f', 2)
          .arg(runs.size()));
  videos_->setEnabled(!video_dir_.isEmpty());
  setWindowTitle(tr("Closed-loop evaluation \u2014 %1").arg(run));
  return true;
}

QString TrainEvalView::summary() const {
  return summary_->text();
}

}  // namespace autofocus
