#pragma once

#include <QString>
#include <QWidget>
#include <string>
#include <vector>

#include "core/base/json_io.h"

class QLabel;
class QTextBrowser;
class QComboBox;

namespace autofocus {

class StudioDocument;

// The audit view of the current sub-sequence: the image and the exact prompt sent (from the
// exchange cache by cache_key, falling back to the record in key_objects.json), the raw
// answer, the parsed key objects with score and rationale, missing categories, every
// missing-category re-run (vocabulary added, what was recovered), latency, tokens, model,
// template name/hash and who decided (model or person). Follows the document's cursor.
class InspectorView : public QWidget {
  Q_OBJECT
 public:
  explicit InspectorView(StudioDocument* doc, QWidget* parent = nullptr);
  // The HTML currently shown (tests).
  QString html() const;
  // Which query of the sub-sequence is shown (0 = first, k = re-run k).
  int iteration() const;

  // HTML of a prompt: the text parts of an OpenAI-style "messages" request (images as their
  // hashes), else the request pretty-printed.
  static QString PromptHtml(const Json& request);
  // `value` with 3 significant digits ("0.185", "-1.50", "12.3", "0"; very small or large
  // values in exponent form).
  static QString FormatValue(double value);
  // HTML table of an action vector as `name value` rows (names from the project's action spec,
  // "a0", "a1"... beyond it), values right-aligned with FormatValue().
  static QString ActionHtml(const Json& action, const std::vector<std::string>& names);

 private:
  void Refresh();
  void RefreshIfSegmentChanged();

  StudioDocument* doc_;
  QLabel* header_ = nullptr;
  QLabel* image_ = nullptr;
  QComboBox* iteration_ = nullptr;
  QTextBrowser* text_ = nullptr;
  bool raw_open_ = false;  // the "raw" section of the expert action is expanded
  int shown_segment_ = -2;
  QString shown_episode_;
};

}  // namespace autofocus
