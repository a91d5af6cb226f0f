#pragma once

#include <QMap>
#include <QString>
#include <QWidget>

#include "core/train/train_options.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace autofocus {

// The options form of the Train dock, bound to the one TrainOptions struct the CLI uses:
// defaults and presets come from TrainOptions, fields the form does not show keep the values of
// the options it was given, and every edit re-runs TrainOptions::Check(), whose message is shown
// under the field it names (Error::where()).
class TrainForm : public QWidget {
  Q_OBJECT
 public:
  explicit TrainForm(QWidget* parent = nullptr);

  // The options as the form shows them (valid() says whether they pass Check()).
  TrainOptions options() const;
  // Shows `options` (fields not on the form are kept for options()).
  void SetOptions(const TrainOptions& options);
  // Replaces everything but the run name with TrainOptions::Preset(name), or the defaults for "".
  void ApplyPreset(const QString& name);
  // Offers "mask:NAME" data filters (HDF5 filter keys of the project's episodes) besides all,
  // flagged and unflagged frames; the current choice is kept.
  void SetSavedFilters(const QStringList& names);
  // Whether the last edit passed TrainOptions::Check() (and every field parsed).
  bool valid() const { return error_field_.isEmpty() && error_reason_.isEmpty(); }
  // The field the current error names ("batch", "input_size", ...), empty when valid.
  const QString& errorField() const { return error_field_; }
  // "field: reason" of the current error, empty when valid.
  QString errorText() const;
  // The label under `field` that shows its error (nullptr for fields not on the form).
  QLabel* errorLabel(const QString& field) const { return errors_.value(field, nullptr); }

 Q_SIGNALS:
  // Validity or the error message changed.
  void validityChanged(bool valid);
  // Any field changed (after validation).
  void edited();

 private:
  void Validate();
  // Reads the form onto base_; a field that does not parse sets *bad_field / *reason.
  TrainOptions Read(QString* bad_field, QString* reason) const;
  QWidget* WithError(const QString& field, QWidget* editor);

  TrainOptions base_;  // what the form was last given: carries the fields it does not show
  QComboBox* preset_;
  QLineEdit* name_;
  QComboBox* model_;
  QComboBox* regularizer_;
  QLineEdit* lambda_;
  QComboBox* target_;
  QLineEdit* fraction_;
  QSpinBox* input_height_;
  QSpinBox* input_width_;
  QSpinBox* stack_;
  QSpinBox* epochs_;
  QSpinBox* batch_;
  QLineEdit* lr_;
  QComboBox* scheduler_;
  QLineEdit* seed_;
  QSpinBox* threads_;
  QLineEdit* val_fraction_;
  QComboBox* filter_;
  QComboBox* split_;
  QSpinBox* log_every_;
  QLabel* summary_;
  QMap<QString, QLabel*> errors_;
  QString error_field_;
  QString error_reason_;
  bool loading_ = false;
};

}  // namespace autofocus
