#pragma once

#include <QColor>

class QApplication;

namespace autofocus {

// Colours and the application palette shared by every view, so tracks look the same in the
// frame view, the timeline and the inspector.
class StudioStyle {
 public:
  // A well-separated colour per track ID (golden-ratio hue steps); grey for untracked (-1).
  static QColor TrackColor(int id);
  // Black or white, whichever reads better on `background`.
  static QColor ContrastText(const QColor& background);
  // Background behind frames (neutral dark grey, so heatmaps are judged fairly).
  static QColor CanvasBackground();
  // Installs the Fusion style with a dark palette (the usual look of video tools).
  static void ApplyDarkTheme(QApplication& app);
};

}  // namespace autofocus
