#include "widgets/inspector_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QScrollBar>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "widgets/studio_document.h"
#include "widgets/studio_style.h"

namespace autofocus {
namespace {

QString Esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }
QString Esc(const QString& s) { return s.toHtmlEscaped(); }

QString JoinStrings(const Json& arr) {
  QStringList out;
  if (arr.is_array()) {
    for (const Json& v : arr) out << (v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString::fromStdString(v.dump()));
  }
  return out.isEmpty() ? QStringLiteral("—") : out.join(QStringLiteral(", "));
}

QString Row(const QString& key, const QString& value) {
  return QStringLiteral(
             "<tr><td valign=top style='color:#9aa3ad;padding-right:12px'>%1</td><td>%2</td></tr>")
      .arg(key, value);
}

}  // namespace

InspectorView::InspectorView(StudioDocument* doc, QWidget* parent) : QWidget(parent), doc_(doc) {
  header_ = new QLabel(this);
  header_->setObjectName("inspectorHeader");
  header_->setWordWrap(true);
  QFont hf = header_->font();
  hf.setBold(true);
  header_->setFont(hf);
  iteration_ = new QComboBox(this);
  iteration_->setObjectName("iterationCombo");
  iteration_->setToolTip(tr("The first query or one of its missing-category re-runs"));
  image_ = new QLabel(this);
  image_->setObjectName("inspectorImage");
  image_->setAlignment(Qt::AlignCenter);
  // The picture takes a share of the dock's height (70-220 px) rather than setting its minimum,
  // so the inspector and the objects dock fit above the timeline at 1366x768.
  image_->setMinimumHeight(70);
  image_->setMaximumHeight(220);
  image_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
  text_ = new QTextBrowser(this);
  text_->setObjectName("inspectorText");
  text_->setOpenExternalLinks(false);
  text_->setOpenLinks(false);
  // Hashes and cache keys have no spaces: break them anywhere rather than scroll sideways.
  text_->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
  connect(text_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
    if (url.fragment() != QLatin1String("raw")) return;
    raw_open_ = !raw_open_;
    const int scroll = text_->verticalScrollBar()->value();
    Refresh();
    text_->verticalScrollBar()->setValue(scroll);
  });

  auto* top = new QHBoxLayout;
  top->addWidget(header_, 1);
  top->addWidget(iteration_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(top);
  layout->addWidget(image_, 1);
  layout->addWidget(text_, 3);

  connect(doc_, &StudioDocument::episodeChanged, this, [this] {
    shown_segment_ = -2;
    RefreshIfSegmentChanged();
  });
  connect(doc_, &StudioDocument::currentFrameChanged, this, &InspectorView::RefreshIfSegmentChanged);
  connect(doc_, &StudioDocument::selectionChanged, this, &InspectorView::RefreshIfSegmentChanged);
  connect(doc_, &StudioDocument::annotationsChanged, this, &InspectorView::Refresh);
  connect(iteration_, qOverload<int>(&QComboBox::activated), this, &InspectorView::Refresh);
  RefreshIfSegmentChanged();
}

QString InspectorView::html() const { return text_->toHtml(); }

int InspectorView::iteration() const { return std::max(0, iteration_->currentIndex()); }

void InspectorView::RefreshIfSegmentChanged() {
  const int seg = doc_->selectedSegment();
  if (seg == shown_segment_ && shown_episode_ == doc_->currentEpisodeName()) return;
  shown_segment_ = seg;
  shown_episode_ = doc_->currentEpisodeName();
  // A new sub-sequence starts at its final query (the one the key objects come from).
  iteration_->clear();
  const StudioEpisode* ep = doc_->episode();
  if (ep && seg >= 0) {
    const Json iters = ep->segments[static_cast<size_t>(seg)].json.value("iterations", Json::array());
    for (size_t i = 0; i < iters.size(); ++i) {
      iteration_->addItem(i == 0 ? tr("First query") : tr("Re-run %1").arg(i));
    }
    iteration_->setCurrentIndex(iteration_->count() - 1);
  }
  iteration_->setVisible(iteration_->count() > 1);
  Refresh();
}

QString InspectorView::FormatValue(double v) {
  if (!std::isfinite(v)) return QString::number(v);
  if (v == 0) return QStringLiteral("0");
  const int exponent = static_cast<int>(std::floor(std::log10(std::abs(v))));
  if (exponent < -4 || exponent >= 6) return QString::number(v, 'e', 2);
  // Fixed notation with as many decimals as 3 significant digits need (none from 100 up).
  return QString::number(v, 'f', std::max(0, 2 - exponent));
}

QString InspectorView::ActionHtml(const Json& action, const std::vector<std::string>& names) {
  if (!action.is_array() || action.empty()) return QStringLiteral("—");
  QString out = QStringLiteral("<table cellspacing=0 cellpadding=1>");
  for (size_t i = 0; i < action.size(); ++i) {
    const QString name = i < names.size() ? Esc(names[i]) : QStringLiteral("a%1").arg(i);
    const QString value =
        action[i].is_number() ? FormatValue(action[i].get<double>()) : Esc(action[i].dump());
    out +=
        QStringLiteral(
            "<tr><td style='padding-right:10px'>%1</td><td align=right><code>%2</code></td></tr>")
            .arg(name, value);
  }
  return out + QStringLiteral("</table>");
}

QString InspectorView::PromptHtml(const Json& request) {
  QString out;
  const Json* messages = nullptr;
  if (request.is_object() && request.contains("messages") && request["messages"].is_array()) messages = &request["messages"];
  if (!messages) {
    return QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(Esc(request.dump(2)));
  }
  for (const Json& m : *messages) {
    out += QStringLiteral("<p style='color:#8ab4f8;margin-bottom:2px'><b>%1</b></p>").arg(Esc(m.value("role", "?")));
    const Json content = m.value("content", Json());
    if (content.is_string()) {
      out += QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(Esc(content.get<std::string>()));
      continue;
    }
    if (!content.is_array()) continue;
    for (const Json& part : content) {
      const std::string type = part.value("type", "");
      if (type == "text") {
        out += QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(Esc(part.value("text", "")));
      } else if (type == "image_url") {
        const Json url = part.value("image_url", Json::object());
        out += QStringLiteral("<p><i>[image %1]</i></p>").arg(Esc(url.is_object() ? url.value("url", "") : url.dump()));
      } else {
        out += QStringLiteral("<pre>%1</pre>").arg(Esc(part.dump(2)));
      }
    }
  }
  return out;
}

void InspectorView::Refresh() {
  const StudioEpisode* ep = doc_->episode();
  const int seg_index = doc_->selectedSegment();
  if (!ep || seg_index < 0 || seg_index >= static_cast<int>(ep->segments.size())) {
    header_->setText(ep ? tr("No sub-sequence at this frame") : tr("No episode"));
    image_->clear();
    text_->setHtml(QString());
    return;
  }
  const StudioSegment& seg = ep->segments[static_cast<size_t>(seg_index)];
  const Json& sj = seg.json;
  const bool person = seg.decided_by == "person";
  header_->setText(tr("Sub-sequence %1 / %2   frames %3-%4   %5   decided by %6")
                       .arg(seg_index + 1)
                       .arg(ep->segments.size())
                       .arg(seg.start)
                       .arg(seg.end)
                       .arg(seg.status == "ok" ? tr("ok") : tr("FAILED"))
                       .arg(person ? tr("a person") : tr("the model")));

  // The image the model saw: the first frame, with the offered candidates outlined.
  QImage frame = doc_->FrameImage(seg.start);
  const Json iters = sj.value("iterations", Json::array());
  const int it_index = std::clamp(iteration(), 0, std::max(0, static_cast<int>(iters.size()) - 1));
  const Json it = iters.empty() ? Json::object() : iters[static_cast<size_t>(it_index)];
  if (!frame.isNull()) {
    QPainter p(&frame);
    p.setRenderHint(QPainter::Antialiasing);
    for (const Json& c : it.value("candidates", Json::array())) {
      const Json b = c.value("box", Json::array());
      if (b.size() != 4) continue;
      const int id = c.value("id", -1);
      const QColor col = StudioStyle::TrackColor(id);
      p.setPen(QPen(col, seg.IsKey(id) ? 2 : 1, seg.IsKey(id) ? Qt::SolidLine : Qt::DashLine));
      p.drawRect(QRectF(QPointF(b[0].get<double>(), b[1].get<double>()), QPointF(b[2].get<double>(), b[3].get<double>())));
      p.drawText(QPointF(b[0].get<double>() + 2, b[1].get<double>() - 2), QStringLiteral("#%1").arg(id));
    }
    p.end();
    const int h = std::clamp(image_->height(), 70, 220);
    image_->setPixmap(QPixmap::fromImage(frame.scaledToHeight(h, Qt::SmoothTransformation)));
  } else {
    image_->setText(tr("(frame %1 not readable)").arg(seg.start));
  }

  QString html = QStringLiteral("<html><body style='font-size:small'>");
  // Decision.
  html += QStringLiteral("<h3>%1</h3>").arg(tr("Key objects"));
  if (seg.key_ids.empty()) {
    html += QStringLiteral("<p>%1</p>").arg(tr("No key object (every object pruned)."));
  }
  html += QStringLiteral("<table cellspacing=0 cellpadding=3 width='100%'><tr style='background:#3a3d42'><th align=left>ID</th>"
                         "<th align=left>%1</th><th align=right>%2</th><th align=left>%3</th></tr>")
              .arg(tr("class"), tr("score"), tr("rationale"));
  std::vector<int> listed;
  for (const Json& k : sj.value("key_objects", Json::array())) {
    const int id = k.value("id", -1);
    if (!seg.IsKey(id)) continue;  // a person removed it
    listed.push_back(id);
    html += QStringLiteral("<tr><td><span style='color:%1'>■</span> #%2</td><td>%3</td><td align=right>%4</td><td>%5</td></tr>")
                .arg(StudioStyle::TrackColor(id).name())
                .arg(id)
                .arg(Esc(k.value("class", "")))
                .arg(k.value("score", 0.0), 0, 'f', 2)
                .arg(Esc(k.value("rationale", "")));
  }
  for (int id : seg.key_ids) {
    if (std::find(listed.begin(), listed.end(), id) != listed.end()) continue;
    const StudioTrack* tr_info = ep->FindTrack(id);
    html += QStringLiteral("<tr><td><span style='color:%1'>■</span> #%2</td><td>%3</td><td align=right>—</td><td><i>%4</i></td></tr>")
                .arg(StudioStyle::TrackColor(id).name())
                .arg(id)
                .arg(tr_info ? Esc(tr_info->label) : QString())
                .arg(tr("added by a person"));
  }
  html += QStringLiteral("</table>");
  QStringList pruned;
  for (int id : seg.ids) {
    if (!seg.IsKey(id)) pruned << QStringLiteral("#%1").arg(id);
  }
  html += QStringLiteral("<table>");
  html += Row(tr("pruned"), pruned.isEmpty() ? QStringLiteral("—") : pruned.join(QStringLiteral(", ")));
  html += Row(tr("decided by"), person ? tr("<b style='color:#f0be3c'>person</b>") : tr("model"));
  const Json action = sj.value("action", Json::array());
  std::vector<std::string> names;
  if (const ProjectStore* store = doc_->store()) names = store->info().action_spec.Names();
  QString action_html = ActionHtml(action, names);
  // The stored vector stays one click away, at full precision.
  action_html += QStringLiteral("<a href='#raw'>%1 %2</a>")
                     .arg(raw_open_ ? QStringLiteral("▾") : QStringLiteral("▸"), tr("raw"));
  if (raw_open_)
    action_html +=
        QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(Esc(action.dump()));
  html += Row(tr("expert action"), action_html);
  html += Row(tr("action description"), Esc(sj.value("action_description", "")));
  html += Row(tr("missing categories"), Esc(JoinStrings(sj.value("missing_categories", Json::array()))));
  html += Row(tr("vocabulary added"), Esc(JoinStrings(sj.value("vocabulary_added", Json::array()))));
  if (seg.status != "ok") html += Row(tr("error"), QStringLiteral("<span style='color:#e06c5a'>%1</span>").arg(Esc(sj.value("error", ""))));
  html += QStringLiteral("</table>");

  // Every iteration in one compact table.
  if (iters.size() > 1) {
    html += QStringLiteral("<h3>%1</h3><table cellspacing=0 cellpadding=3 width='100%'><tr style='background:#3a3d42'>"
                           "<th align=left>#</th><th align=left>%2</th><th align=left>%3</th><th align=right>%4</th><th align=left>%5</th></tr>")
                .arg(tr("Missing-category re-runs"), tr("vocabulary added"), tr("recovered"), tr("detections"), tr("result"));
    for (const Json& x : iters) {
      html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td align=right>%4</td><td>%5</td></tr>")
                  .arg(x.value("iteration", 0))
                  .arg(Esc(JoinStrings(x.value("vocabulary_added", Json::array()))))
                  .arg(Esc(JoinStrings(x.value("recovered", Json::array()))))
                  .arg(x.contains("detections") ? QString::number(x.value("detections", 0)) : QStringLiteral("—"))
                  .arg(x.value("ok", false) ? tr("ok") : Esc(x.value("error", "")));
    }
    html += QStringLiteral("</table>");
  }

  // The call itself: prefer the complete exchange from the cache.
  const Json rec = it.value("record", Json::object());
  const std::string key = rec.value("cache_key", "");
  std::optional<CallRecord> full = doc_->FindExchange(key);
  const Json request = full ? full->request : rec.value("request", Json::object());
  const std::string raw = full ? full->raw_answer : rec.value("raw_answer", "");
  html += QStringLiteral("<h3>%1</h3><table>").arg(it_index == 0 ? tr("Query") : tr("Re-run %1").arg(it_index));
  html += Row(tr("backend / model"), Esc(rec.value("backend", "") + " / " + rec.value("model", "")));
  html += Row(tr("template"), QStringLiteral("%1 <span style='color:#9aa3ad'>%2</span>")
                                  .arg(Esc(rec.value("template_name", "")), Esc(rec.value("template_hash", "").substr(0, 16))));
  html += Row(tr("latency"), tr("%1 ms").arg(rec.value("latency_ms", 0.0), 0, 'f', 1));
  html += Row(tr("tokens"), tr("%1 prompt + %2 completion").arg(rec.value("prompt_tokens", 0)).arg(rec.value("completion_tokens", 0)));
  html += Row(tr("retries / repairs"), QStringLiteral("%1 / %2").arg(rec.value("retries", 0)).arg(rec.value("repairs", 0)));
  html += Row(tr("from cache"), rec.value("from_cache", false) ? tr("yes") : tr("no"));
  html += Row(tr("cache key"), QStringLiteral("<code>%1</code>%2").arg(Esc(key), full ? QString() : tr(" (not in the exchange file)")));
  const Json warnings = rec.value("warnings", Json::array());
  if (!warnings.empty()) html += Row(tr("warnings"), Esc(JoinStrings(warnings)));
  html += QStringLiteral("</table>");
  html += QStringLiteral("<h3>%1</h3>").arg(tr("Prompt sent"));
  html += PromptHtml(request);
  html += QStringLiteral("<h3>%1</h3><pre style='white-space:pre-wrap'>%2</pre>").arg(tr("Raw answer"), Esc(raw));
  if (it.contains("answer") && !it["answer"].is_null()) {
    html += QStringLiteral("<h3>%1</h3><pre style='white-space:pre-wrap'>%2</pre>").arg(tr("Parsed answer"), Esc(it["answer"].dump(2)));
  }
  html += QStringLiteral("</body></html>");
  text_->setHtml(html);
}

}  // namespace autofocus
