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

namespace autofocus {

// The studio's plot look: the widget's base colour behind, text-coloured axes, a faint dotted
// grid and a translucent legend in the top-right corner.
inline void StyleStudioPlot(QCustomPlot* plot, const QPalette& palette) {
  plot->setBackground(palette.color(QPalette::Base));
  const QColor fg = palette.color(QPalette::Text);
  for (QCPAxis* ax : {plot->xAxis, plot->yAxis}) {
    ax->setBasePen(QPen(fg));
    ax->setTickPen(QPen(fg));
    ax->setSubTickPen(QPen(fg.darker(150)));
    ax->setTickLabelColor(fg);
    ax->setLabelColor(fg);
    ax->grid()->setPen(QPen(QColor(255, 255, 255, 25), 1, Qt::DotLine));
  }
  plot->legend->setVisible(true);
  plot->legend->setBrush(QColor(30, 30, 34, 200));
  plot->legend->setTextColor(fg);
  plot->legend->setBorderPen(Qt::NoPen);
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

}  // namespace autofocus
#endif
