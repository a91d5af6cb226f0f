#include "core/train/train_options.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "core/base/error.h"

namespace autofocus {

double TrainOptions::Lambda() const { return lambda >= 0 ? lambda : 10.0; }

void TrainOptions::Check(const std::string& file) const {
  auto bad = [&](const std::string& field, const std::string& reason) {
    throw Error(file, field, reason);
  };
  if (model != "gabril-cnn") bad("model", "unknown model \"" + model + "\" (known: gabril-cnn)");
  if (regularizer != "none" && regularizer != "gabril_mse" && regularizer != "l1_outside") {
    bad("regularizer", "unknown regularizer \"" + regularizer + "\" (none, gabril_mse, l1_outside)");
  }
  if (target != "vlm" && target != "gaze" && target != "none") {
    bad("target", "unknown target \"" + target + "\" (vlm, gaze, none)");
  }
  if (target == "gaze") bad("target", "gaze targets are not implemented yet (use vlm or none)");
  if (regularizer != "none" && target == "none") {
    bad("target", "regularizer " + regularizer + " needs a target map (vlm)");
  }
  if (!(beta > 0)) bad("beta", "must be > 0");
  if (!(fraction >= 0 && fraction <= 1)) bad("fraction", "must be in [0, 1]");
  if (fraction_unit != "frame" && fraction_unit != "episode") bad("fraction_unit", "must be frame or episode");
  if (epochs < 1) bad("epochs", "must be >= 1");
  if (batch < 1) bad("batch", "must be >= 1");
  if (!(lr > 0)) bad("lr", "must be > 0");
  if (lr_step < 1) bad("lr_step", "must be >= 1");
  if (!(lr_gamma > 0 && lr_gamma <= 1)) bad("lr_gamma", "must be in (0, 1]");
  if (!(grad_clip >= 0)) bad("grad_clip", "must be >= 0");
  if (threads < 0) bad("threads", "must be >= 0");
  // The four stride/kernel stages of the CNN need at least a 36x64 input to leave a 1x1 map.
  if (input_height < 36 || input_width < 64 || input_height > 4096 || input_width > 4096) {
    bad("input_size", "must be at least 36x64 and at most 4096x4096");
  }
  if (stack < 1 || stack > 8) bad("stack", "must be in 1..8");
  if (!(val_fraction >= 0 && val_fraction <= 0.9)) bad("val_fraction", "must be in [0, 0.9]");
  if (data_workers < 1 || data_workers > 64) bad("data_workers", "must be in 1..64");
  if (max_steps < 0) bad("max_steps", "must be >= 0");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      bad("name", "run names may only hold letters, digits, '-', '_' and '.'");
    }
  }
  if (name == "." || name == "..") bad("name", "not a valid run name");
}

Json TrainOptions::ToJson() const {
  return {{"model", model},
          {"regularizer", regularizer},
          {"lambda", Lambda()},
          {"lambda_option", lambda},
          {"beta", beta},
          {"target", target},
          {"fraction", fraction},
          {"fraction_unit", fraction_unit},
          {"epochs", epochs},
          {"batch", batch},
          {"lr", lr},
          {"lr_step", lr_step},
          {"lr_gamma", lr_gamma},
          {"grad_clip", grad_clip},
          {"seed", seed},
          {"threads", threads},
          {"input_height", input_height},
          {"input_width", input_width},
          {"stack", stack},
          {"grayscale", grayscale},
          {"val_fraction", val_fraction},
          {"data_workers", data_workers},
          {"max_steps", max_steps},
          {"name", name}};
}

TrainOptions TrainOptions::FromJson(const Json& j, const std::string& file) {
  if (!j.is_object()) throw Error(file, "", "training options must be a JSON object");
  TrainOptions o;
  const std::set<std::string> known = {"model", "regularizer", "lambda", "lambda_option", "beta", "target",
                                       "fraction", "fraction_unit", "epochs", "batch", "lr", "lr_step",
                                       "lr_gamma", "grad_clip", "seed", "threads", "input_height",
                                       "input_width", "stack", "grayscale", "val_fraction",
                                       "data_workers", "max_steps", "name"};
  for (const auto& [key, value] : j.items()) {
    if (!known.count(key)) throw Error(file, key, "unknown training option");
  }
  try {
    o.model = j.value("model", o.model);
    o.regularizer = j.value("regularizer", o.regularizer);
    // lambda_option is the raw setting; "lambda" alone (hand-written configs) is taken as set.
    o.lambda = j.contains("lambda_option") ? j["lambda_option"].get<double>() : j.value("lambda", o.lambda);
    o.beta = j.value("beta", o.beta);
    o.target = j.value("target", o.target);
    o.fraction = j.value("fraction", o.fraction);
    o.fraction_unit = j.value("fraction_unit", o.fraction_unit);
    o.epochs = j.value("epochs", o.epochs);
    o.batch = j.value("batch", o.batch);
    o.lr = j.value("lr", o.lr);
    o.lr_step = j.value("lr_step", o.lr_step);
    o.lr_gamma = j.value("lr_gamma", o.lr_gamma);
    o.grad_clip = j.value("grad_clip", o.grad_clip);
    o.seed = j.value("seed", o.seed);
    o.threads = j.value("threads", o.threads);
    o.input_height = j.value("input_height", o.input_height);
    o.input_width = j.value("input_width", o.input_width);
    o.stack = j.value("stack", o.stack);
    o.grayscale = j.value("grayscale", o.grayscale);
    o.val_fraction = j.value("val_fraction", o.val_fraction);
    o.data_workers = j.value("data_workers", o.data_workers);
    o.max_steps = j.value("max_steps", o.max_steps);
    o.name = j.value("name", o.name);
  } catch (const Json::exception& e) {
    throw Error(file, "", std::string("wrong type in training options: ") + e.what());
  }
  o.Check(file);
  return o;
}

TrainOptions TrainOptions::Preset(const std::string& name) {
  TrainOptions o;
  if (name == "paper-carla") {
    o.regularizer = "gabril_mse";
    o.lambda = 10;
    return o;
  }
  if (name == "quick") {
    o.regularizer = "gabril_mse";
    o.input_height = 90;
    o.input_width = 160;
    o.epochs = 3;
    o.batch = 32;
    return o;
  }
  throw Error("", "--preset", "unknown preset \"" + name + "\" (paper-carla, quick)");
}

bool ParseInputSize(const std::string& text, int* height, int* width) {
  int h = 0, w = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &h, &x, &w, &extra) != 3 || (x != 'x' && x != 'X')) return false;
  *height = h;
  *width = w;
  return true;
}

}  // namespace autofocus
