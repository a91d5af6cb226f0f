// `autofocus-studio [PROJECT]`: the desktop studio. Opens PROJECT (the folder or its
// project.json, as the desktop file passes it), or the last project.
// `--screenshot DIR` renders the main window and every view to DIR/*.png and exits (for the
// README and the screenshot script; run under Xvfb or QT_QPA_PLATFORM=offscreen).
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QIcon>
#include <QLocale>
#include <QScrollArea>
#include <QSettings>
#include <QTimer>
#include <QTranslator>
#include <algorithm>
#include <cstdio>

#include "core/about/version_info.h"
#include "core/sim/ground_truth.h"
#include "widgets/frame_view.h"
#include "widgets/main_window.h"
#include "widgets/policies/policies_screenshots.h"
#include "widgets/studio_document.h"
#include "widgets/studio_style.h"
#include "widgets/timeline_view.h"
#include "widgets/train/train_dock.h"
#include "widgets/train/train_install.h"
#include "widgets/train/train_runs_model.h"
#include "widgets/train/train_runs_panel.h"

namespace {

// Shows the project's first two training runs in the Training Runs table (selected) and their
// curves overlaid in the Train dock, so those screenshots are not empty.
void ShowTrainingRuns(autofocus::MainWindow& window) {
  const autofocus::TrainUi ui = autofocus::FindTrainUi(&window);
  if (!ui.panel || !ui.runs || ui.runs->rowCount() == 0) return;
  QStringList names;
  for (int r = 0; r < ui.runs->rowCount() && names.size() < 2; ++r)
    names << QString::fromStdString(ui.runs->run(r).summary.name);
  ui.panel->SelectRuns(names);
  ui.dock->ShowRuns(names);
  QElapsedTimer t;  // the curves replot on a 100 ms timer
  t.start();
  while (t.elapsed() < 400) QApplication::processEvents(QEventLoop::AllEvents, 50);
}

// The frame the screenshots show (`--frame auto`): the one with the most key objects among those
// where the saliency map and the ground truth both have something to show, so the overlays the
// README advertises are visible; -1 when no frame has both.
int PickOverlayFrame(const autofocus::StudioDocument& doc) {
  const autofocus::StudioEpisode* ep = doc.episode();
  if (!ep) return -1;
  int best = -1;
  size_t best_keys = 0;
  for (int t = 0; t < ep->num_frames(); ++t) {
    const size_t keys = ep->key_boxes[static_cast<size_t>(t)].size();
    bool relevant = false;
    if (ep->ground_truth && t < static_cast<int>(ep->ground_truth->frames.size())) {
      for (const auto& o : ep->ground_truth->frames[static_cast<size_t>(t)].objects)
        relevant |= o.relevant;
    }
    if (keys > best_keys && relevant) {
      best = t;
      best_keys = keys;
    }
  }
  return best;
}

// Saves the window and each dock's content as PNG files; a picture that advertises an overlay
// (main window, frame view, compare) without one on the shown frame is an error.
int TakeScreenshots(autofocus::MainWindow& window, const QString& dir) {
  QDir().mkpath(dir);
  ShowTrainingRuns(window);
  int failures = 0;
  auto save = [&](QWidget* w, const QString& name) {
    const QString file = QDir(dir).filePath(name + ".png");
    if (!w->grab().save(file)) {
      std::fprintf(stderr, "cannot write %s\n", qPrintable(file));
      ++failures;
    } else {
      std::printf("%s\n", qPrintable(file));
    }
  };
  auto require_overlay = [&](autofocus::FrameCanvas* canvas, const QString& name) {
    if (canvas->overlay() == autofocus::FrameOverlay::kNone || canvas->OverlayHasContent()) return;
    std::fprintf(stderr, "%s: the overlay shows nothing at frame %d (choose another --frame)\n",
                 qPrintable(name), window.document()->currentFrame());
    ++failures;
  };
  autofocus::FrameView* view = window.frameView();
  require_overlay(view->primary(), "studio-main");
  save(&window, "studio-main");
  for (QDockWidget* d : window.findChildren<QDockWidget*>()) {
    if (!d->isVisible() || !d->widget()) continue;
    // A dock tabbed behind another is laid out only when raised; a scrolled form is grabbed
    // whole (the scroll area keeps it at least at its minimum size).
    d->raise();
    QApplication::processEvents();
    QWidget* content = d->widget();
    if (auto* scroll = qobject_cast<QScrollArea*>(content)) content = scroll->widget();
    save(content, d->objectName().mid(5));
  }
  save(view, "frame-view");
  view->SetSplit(true);
  QApplication::processEvents();
  require_overlay(view->primary(), "frame-view-compare (left)");
  require_overlay(view->secondary(), "frame-view-compare (right)");
  save(view, "frame-view-compare");
  view->SetSplit(false);
  // The timeline zoomed to 40 frames around the cursor (its lanes and plot share the axis).
  autofocus::TimelineView* timeline = window.timelineView();
  const int t = window.document()->currentFrame();
  timeline->axis()->SetRange(t - 20, t + 20);
  timeline->axis()->SetSelection(t - 5, t + 5);
  QApplication::processEvents();
  window.document()->FlushSignals();
  QApplication::processEvents();
  save(timeline, "timeline-zoomed");
  failures += autofocus::SaveCompareScreenshots(window, dir);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("AutoFocus");
  QApplication::setApplicationName("AutoFocus Studio");
  QApplication::setApplicationVersion(QString::fromStdString(autofocus::AutofocusVersion()));
  // The installed desktop file and icon (packaging/): window managers match the window to them.
  QGuiApplication::setDesktopFileName("autofocus-studio");
  QApplication::setWindowIcon(QIcon::fromTheme("autofocus-studio"));
  autofocus::StudioStyle::ApplyDarkTheme(app);

  // UI language: AUTOFOCUS_STUDIO_LANG (e.g. "zh_CN", "en") or the setting ui/language, else
  // the system locale (docs/curation.md). The installed .qm files
  // (<exe>/../share/autofocus-studio/translations) win, so an updated translation needs no
  // rebuild; the same files are embedded under :/i18n for builds run in place.
  QTranslator translator;
  QString lang = qEnvironmentVariable("AUTOFOCUS_STUDIO_LANG");
  if (lang.isEmpty()) lang = QSettings().value("ui/language").toString();
  const QLocale locale = lang.isEmpty() ? QLocale() : QLocale(lang);
  const QString installed =
      QDir(QApplication::applicationDirPath()).filePath("../share/autofocus-studio/translations");
  if (translator.load(locale, "autofocus_studio", "_", installed) ||
      translator.load(locale, "autofocus_studio", "_", ":/i18n"))
    QApplication::installTranslator(&translator);

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "AutoFocus Studio"));
  parser.addHelpOption();
  // Not addVersionOption(): the version comes with the revision and the library versions.
  QCommandLineOption version(
      "version",
      QApplication::translate("main", "Print the version, git revision and library versions"));
  parser.addOption(version);
  parser.addPositionalArgument(
      "project", QApplication::translate("main", "Project directory to open"), "[PROJECT]");
  QCommandLineOption screenshot(
      "screenshot", QApplication::translate("main", "Write screenshots to DIR and exit"), "DIR");
  QCommandLineOption episode("episode", QApplication::translate("main", "Episode to show"), "NAME");
  QCommandLineOption frame(
      "frame",
      QApplication::translate("main",
                              "Frame to show (auto: one where the overlays show something)"),
      "N");
  QCommandLineOption size("size", QApplication::translate("main", "Window size WxH (screenshots)"),
                          "WxH", "1600x1000");
  parser.addOption(screenshot);
  parser.addOption(episode);
  parser.addOption(frame);
  parser.addOption(size);
  parser.process(app);
  if (parser.isSet(version)) {
    std::printf("%s\n", qPrintable(autofocus::MainWindow::AboutText()));
    return 0;
  }

  autofocus::MainWindow window;
  const bool shots = parser.isSet(screenshot);
  if (!shots) window.RestoreLayout();  // screenshots use the default layout
  QString project = parser.positionalArguments().value(0);
  if (project.isEmpty() && !shots)
    project = QSettings().value("recent_projects").toStringList().value(0);
  if (!project.isEmpty() && !window.OpenProject(project) && shots) {
    std::fprintf(stderr, "cannot open project %s\n", qPrintable(project));
    return 1;
  }
  if (parser.isSet(episode)) window.OpenEpisode(parser.value(episode));
  if (parser.isSet(frame)) {
    const bool pick = parser.value(frame) == QLatin1String("auto");
    const int f = pick ? PickOverlayFrame(*window.document()) : parser.value(frame).toInt();
    if (pick && f < 0) std::fprintf(stderr, "no frame has both key objects and ground truth\n");
    window.document()->SetCurrentFrame(std::max(0, f));
  }
  if (shots) {
    const QStringList wh = parser.value(size).split('x');
    window.resize(wh.value(0).toInt() > 0 ? wh.value(0).toInt() : 1600,
                  wh.value(1).toInt() > 0 ? wh.value(1).toInt() : 1000);
  }
  window.show();
  if (shots) {
    int rc = 0;
    // Let layouts settle and background summaries arrive before grabbing.
    QTimer::singleShot(1500, &window, [&] {
      window.document()->FlushSignals();
      QApplication::processEvents();
      rc = TakeScreenshots(window, parser.value(screenshot));
      QApplication::exit(rc);
    });
    return app.exec();
  }
  return app.exec();
}
