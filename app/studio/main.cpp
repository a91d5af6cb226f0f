// `autofocus-studio [PROJECT]`: the desktop studio.
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

#include "widgets/main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("AutoFocus");
  QApplication::setApplicationName("AutoFocus Studio");
  QApplication::setApplicationVersion("0.1.0");

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "AutoFocus Studio"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("project", QApplication::translate("main", "Project directory to open"), "[PROJECT]");
  parser.process(app);

  autofocus::MainWindow window;
  QString project = parser.positionalArguments().value(0);
  if (project.isEmpty()) {
    project = QSettings().value("recent_projects").toStringList().value(0);
  }
  if (!project.isEmpty()) window.OpenProject(project);
  window.show();
  return app.exec();
}
