#pragma once

// QCustomPlot's header uses the `signals`/`foreach` keywords that QT_NO_KEYWORDS (set
// project-wide for LibTorch) turns off; map them for this header only.
#ifdef AUTOFOCUS_STUDIO_HAS_QCUSTOMPLOT
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
#endif
