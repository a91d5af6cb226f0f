#include "widgets/train/train_form.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QStringList>
#include <QVBoxLayout>

#include "core/base/error.h"

namespace autofocus {
namespace {

QComboBox* Combo(QWidget* parent, const char* object_name,
                 std::initializer_list<const char*> values) {
  auto* c = new QComboBox(parent);
  c->setObjectName(QString::fromLatin1(object_name));
  for (const char* v : values) c->addItem(QString::fromLatin1(v), QString::fromLatin1(v));
  return c;
}

// Spin boxes accept values Check() rejects (0 epochs, a 1-pixel input) on purpose: the one
// place that knows the limits is TrainOptions::Check(), and the form shows its reason.
QSpinBox* Spin(QWidget* parent, const char* object_name, int lo, int hi) {
  auto* s = new QSpinBox(parent);
  s->setObjectName(QString::fromLatin1(object_name));
  s->setRange(lo, hi);
  s->setKeyboardTracking(true);
  return s;
}

QLineEdit* Edit(QWidget* parent, const char* object_name) {
  auto* e = new QLineEdit(parent);
  e->setObjectName(QString::fromLatin1(object_name));
  return e;
}

// Selects the item whose data is `value`, adding it when the list does not have it (a value
// from a config file or a newer CLI must still round-trip).
void SelectData(QComboBox* c, const QString& value, const QString& label = QString()) {
  int i = c->findData(value);
  if (i < 0) {
    c->addItem(label.isEmpty() ? value : label, value);
    i = c->count() - 1;
  }
  c->setCurrentIndex(i);
}

QString Number(double v) {
  return QLocale::c().toString(v, 'g', 8);
}

}  // namespace

TrainForm::TrainForm(QWidget* parent) : QWidget(parent) {
  setObjectName("trainForm");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  auto* top = new QFormLayout;
  preset_ = new QComboBox(this);
  preset_->setObjectName("trainPreset");
  preset_->addItem(tr("Defaults (GABRIL CARLA, no regulariser)"), QString());
  preset_->addItem(QStringLiteral("paper-carla"), QStringLiteral("paper-carla"));
  preset_->addItem(QStringLiteral("paper-robot"), QStringLiteral("paper-robot"));
  preset_->addItem(QStringLiteral("quick"), QStringLiteral("quick"));
  preset_->setToolTip(
      tr("Replace every option with a preset of autofocus train (docs/training.md)"));
  name_ = Edit(this, "trainName");
  name_->setPlaceholderText(tr("run-<UTC time> when empty"));
  top->addRow(tr("Preset"), preset_);
  top->addRow(tr("Run name"), WithError("name", name_));
  layout->addLayout(top);

  auto* data = new QGroupBox(tr("Data"), this);
  auto* data_form = new QFormLayout(data);
  filter_ = new QComboBox(data);
  filter_->setObjectName("trainFilter");
  filter_->addItem(tr("All frames (curation exclusions honoured)"), QString());
  filter_->addItem(tr("Flagged frames only"), "flagged");
  filter_->addItem(tr("Unflagged frames only"), "unflagged");
  split_ = Combo(data, "trainSplit", {"seeded", "hdf5"});
  split_->setItemText(0, tr("Seeded by episode"));
  split_->setItemText(1, tr("HDF5 mask/train and mask/valid"));
  val_fraction_ = Edit(data, "trainValFraction");
  data_form->addRow(tr("Frames"), WithError("filter", filter_));
  data_form->addRow(tr("Split"), WithError("split", split_));
  data_form->addRow(tr("Validation share"), WithError("val_fraction", val_fraction_));
  layout->addWidget(data);

  auto* reg = new QGroupBox(tr("Saliency regulariser"), this);
  auto* reg_form = new QFormLayout(reg);
  target_ = Combo(reg, "trainTarget", {"vlm", "gaze", "none"});
  target_->setItemText(0, tr("VLM key objects"));
  target_->setItemText(1, tr("Gaze"));
  target_->setItemText(2, tr("None"));
  regularizer_ =
      Combo(reg, "trainRegularizer", {"none", "gabril_mse", "l1_outside", "kl", "js", "tv"});
  lambda_ = Edit(reg, "trainLambda");
  lambda_->setPlaceholderText(tr("default (10)"));
  lambda_->setToolTip(tr("Regulariser weight; empty or negative = the regulariser's default"));
  fraction_ = Edit(reg, "trainFraction");
  fraction_->setToolTip(tr("Share of frames the regulariser sees"));
  reg_form->addRow(tr("Target"), WithError("target", target_));
  reg_form->addRow(tr("Regulariser"), WithError("regularizer", regularizer_));
  reg_form->addRow(tr("Lambda"), WithError("lambda", lambda_));
  reg_form->addRow(tr("Fraction"), WithError("fraction", fraction_));
  layout->addWidget(reg);

  auto* model = new QGroupBox(tr("Model"), this);
  auto* model_form = new QFormLayout(model);
  model_ = Combo(model, "trainModel", {"gabril-cnn", "resnet18", "resnet34"});
  input_height_ = Spin(model, "trainInputHeight", 1, 8192);
  input_width_ = Spin(model, "trainInputWidth", 1, 8192);
  auto* size = new QWidget(model);
  auto* size_row = new QHBoxLayout(size);
  size_row->setContentsMargins(0, 0, 0, 0);
  size_row->addWidget(input_height_);
  size_row->addWidget(new QLabel(QStringLiteral("x"), size));
  size_row->addWidget(input_width_);
  size->setToolTip(tr("Model input height x width in pixels"));
  stack_ = Spin(model, "trainStack", 0, 64);
  model_form->addRow(tr("Model"), WithError("model", model_));
  model_form->addRow(tr("Input size"), WithError("input_size", size));
  model_form->addRow(tr("Frame stack"), WithError("stack", stack_));
  layout->addWidget(model);

  auto* opt = new QGroupBox(tr("Optimisation"), this);
  auto* opt_form = new QFormLayout(opt);
  epochs_ = Spin(opt, "trainEpochs", 0, 1000000);
  batch_ = Spin(opt, "trainBatch", 0, 1000000);
  lr_ = Edit(opt, "trainLr");
  scheduler_ = Combo(opt, "trainScheduler", {"step", "cosine", "constant"});
  seed_ = Edit(opt, "trainSeed");
  threads_ = Spin(opt, "trainThreads", 0, 1024);
  threads_->setSpecialValueText(tr("library default"));
  log_every_ = Spin(opt, "trainLogEvery", 0, 1000000);
  log_every_->setSpecialValueText(tr("epochs only"));
  log_every_->setToolTip(tr("A training-curve point every N steps"));
  opt_form->addRow(tr("Epochs"), WithError("epochs", epochs_));
  opt_form->addRow(tr("Batch"), WithError("batch", batch_));
  opt_form->addRow(tr("Learning rate"), WithError("lr", lr_));
  opt_form->addRow(tr("Schedule"), WithError("scheduler", scheduler_));
  opt_form->addRow(tr("Seed"), WithError("seed", seed_));
  opt_form->addRow(tr("Threads"), WithError("threads", threads_));
  opt_form->addRow(tr("Metrics every (steps)"), WithError("log_every", log_every_));
  layout->addWidget(opt);

  summary_ = new QLabel(this);
  summary_->setObjectName("trainFormError");
  summary_->setWordWrap(true);
  summary_->setStyleSheet(QStringLiteral("color: #e06c75"));
  summary_->hide();
  layout->addWidget(summary_);

  connect(preset_, qOverload<int>(&QComboBox::activated), this,
          [this] { ApplyPreset(preset_->currentData().toString()); });
  for (QComboBox* c : {model_, regularizer_, target_, scheduler_, filter_, split_}) {
    connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &TrainForm::Validate);
  }
  for (QLineEdit* e : {name_, lambda_, fraction_, lr_, seed_, val_fraction_}) {
    connect(e, &QLineEdit::textChanged, this, &TrainForm::Validate);
  }
  for (QSpinBox* s : {input_height_, input_width_, stack_, epochs_, batch_, threads_, log_every_}) {
    connect(s, qOverload<int>(&QSpinBox::valueChanged), this, &TrainForm::Validate);
  }
  SetOptions(TrainOptions());
}

QWidget* TrainForm::WithError(const QString& field, QWidget* editor) {
  auto* box = new QWidget(editor->parentWidget());
  auto* v = new QVBoxLayout(box);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(1);
  v->addWidget(editor);
  auto* error = new QLabel(box);
  error->setObjectName("trainError_" + field);
  error->setWordWrap(true);
  error->setStyleSheet(QStringLiteral("color: #e06c75"));
  error->hide();
  v->addWidget(error);
  errors_.insert(field, error);
  return box;
}

void TrainForm::SetOptions(const TrainOptions& o) {
  loading_ = true;
  base_ = o;
  name_->setText(QString::fromStdString(o.name));
  SelectData(model_, QString::fromStdString(o.model));
  SelectData(regularizer_, QString::fromStdString(o.regularizer));
  lambda_->setText(o.lambda < 0 ? QString() : Number(o.lambda));
  SelectData(target_, QString::fromStdString(o.target));
  fraction_->setText(Number(o.fraction));
  input_height_->setValue(o.input_height);
  input_width_->setValue(o.input_width);
  stack_->setValue(o.stack);
  epochs_->setValue(o.epochs);
  batch_->setValue(o.batch);
  lr_->setText(Number(o.lr));
  SelectData(scheduler_, QString::fromStdString(o.scheduler));
  seed_->setText(QString::number(static_cast<qulonglong>(o.seed)));
  threads_->setValue(o.threads);
  val_fraction_->setText(Number(o.val_fraction));
  SelectData(filter_, QString::fromStdString(o.filter));
  SelectData(split_, QString::fromStdString(o.split));
  log_every_->setValue(o.log_every);
  loading_ = false;
  Validate();
}

void TrainForm::ApplyPreset(const QString& name) {
  TrainOptions o;
  try {
    if (!name.isEmpty()) o = TrainOptions::Preset(name.toStdString());
  } catch (const Error& e) {
    error_field_ = "preset";
    error_reason_ = QString::fromStdString(e.reason());
    summary_->setText(errorText());
    summary_->show();
    Q_EMIT validityChanged(false);
    return;
  }
  o.name = name_->text().toStdString();
  const int i = preset_->findData(name);
  if (i >= 0) preset_->setCurrentIndex(i);
  SetOptions(o);
}

void TrainForm::SetSavedFilters(const QStringList& names) {
  const QString current = filter_->currentData().toString();
  loading_ = true;
  for (int i = filter_->count() - 1; i >= 0; --i) {
    if (filter_->itemData(i).toString().startsWith("mask:")) filter_->removeItem(i);
  }
  for (const QString& n : names) filter_->addItem(tr("Saved filter: %1").arg(n), "mask:" + n);
  SelectData(filter_, current);
  loading_ = false;
  Validate();
}

TrainOptions TrainForm::Read(QString* bad_field, QString* reason) const {
  TrainOptions o = base_;
  auto real = [&](QLineEdit* e, const char* field, double* out, bool empty_is_default) {
    const QString t = e->text().trimmed();
    if (t.isEmpty() && empty_is_default) {
      *out = -1;
      return;
    }
    bool ok = false;
    const double v = QLocale::c().toDouble(t, &ok);
    if (!ok) {
      if (bad_field->isEmpty()) {
        *bad_field = QString::fromLatin1(field);
        *reason = tr("not a number");
      }
      return;
    }
    *out = v;
  };
  o.name = name_->text().trimmed().toStdString();
  o.model = model_->currentData().toString().toStdString();
  o.regularizer = regularizer_->currentData().toString().toStdString();
  real(lambda_, "lambda", &o.lambda, true);
  o.target = target_->currentData().toString().toStdString();
  real(fraction_, "fraction", &o.fraction, false);
  o.input_height = input_height_->value();
  o.input_width = input_width_->value();
  o.stack = stack_->value();
  o.epochs = epochs_->value();
  o.batch = batch_->value();
  real(lr_, "lr", &o.lr, false);
  o.scheduler = scheduler_->currentData().toString().toStdString();
  bool seed_ok = false;
  const qulonglong seed = seed_->text().trimmed().toULongLong(&seed_ok);
  if (seed_ok) {
    o.seed = seed;
  } else if (bad_field->isEmpty()) {
    *bad_field = "seed";
    *reason = tr("must be a whole number >= 0");
  }
  o.threads = threads_->value();
  real(val_fraction_, "val_fraction", &o.val_fraction, false);
  o.filter = filter_->currentData().toString().toStdString();
  o.split = split_->currentData().toString().toStdString();
  o.log_every = log_every_->value();
  return o;
}

TrainOptions TrainForm::options() const {
  QString field, reason;
  return Read(&field, &reason);
}

QString TrainForm::errorText() const {
  if (valid()) return QString();
  return error_field_.isEmpty() ? error_reason_ : error_field_ + ": " + error_reason_;
}

void TrainForm::Validate() {
  if (loading_) return;
  const bool was_valid = valid();
  const QString old_text = errorText();
  QString field, reason;
  const TrainOptions o = Read(&field, &reason);
  if (field.isEmpty()) {
    try {
      o.Check();
    } catch (const Error& e) {
      field = QString::fromStdString(e.where());
      reason = QString::fromStdString(e.reason());
    }
  }
  error_field_ = field;
  error_reason_ = reason;
  for (auto it = errors_.begin(); it != errors_.end(); ++it) {
    const bool mine = it.key() == field;
    it.value()->setText(mine ? reason : QString());
    it.value()->setVisible(mine);
  }
  // A field that is not on the form (e.g. beta from a loaded config) still needs a visible reason.
  summary_->setText(errorText());
  summary_->setVisible(!valid());
  if (was_valid != valid() || old_text != errorText()) Q_EMIT validityChanged(valid());
  Q_EMIT edited();
}

}  // namespace autofocus
