#include "widgets/studio_style.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>
#include <cmath>

namespace autofocus {

QColor StudioStyle::TrackColor(int id) {
  if (id < 0) return QColor(170, 170, 170);
  // Golden-ratio hue stepping keeps consecutive IDs far apart on the colour wheel.
  const double hue = std::fmod(0.11 + id * 0.61803398875, 1.0);
  return QColor::fromHsvF(static_cast<float>(hue), 0.72f, 0.98f);
}

QColor StudioStyle::ContrastText(const QColor& bg) {
  const double luma = 0.299 * bg.redF() + 0.587 * bg.greenF() + 0.114 * bg.blueF();
  return luma > 0.55 ? QColor(15, 15, 15) : QColor(250, 250, 250);
}

QColor StudioStyle::CanvasBackground() { return QColor(30, 31, 34); }

void StudioStyle::ApplyDarkTheme(QApplication& app) {
  app.setStyle(QStyleFactory::create("Fusion"));
  QPalette p;
  const QColor window(45, 47, 51), base(33, 35, 38), text(220, 222, 225), accent(64, 140, 220);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(40, 42, 46));
  p.setColor(QPalette::ToolTipBase, QColor(55, 57, 61));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, QColor(55, 57, 62));
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Highlight, accent);
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, accent.lighter(120));
  p.setColor(QPalette::PlaceholderText, QColor(130, 132, 136));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
  app.setPalette(p);
}

}  // namespace autofocus
