#pragma once

#include <QString>

namespace autofocus {

class MainWindow;

// For `autofocus-studio --screenshot DIR`: checks the project's first two runs with a policy in
// the Policies panel, waits (up to two minutes) for their attention maps, moves to the frame of
// largest disagreement and saves compare-side-by-side.png (with the metric lanes),
// compare-swipe.png, compare-difference.png and compare-strip.png. Returns the number of
// failures: a missing run, maps that never arrived, or a shot whose overlay is empty.
int SaveCompareScreenshots(MainWindow& window, const QString& dir);

}  // namespace autofocus
