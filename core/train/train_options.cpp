#include "core/train/train_options.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <set>

#include "core/base/error.h"

namespace autofocus {

// Every field but lambda, in ToJson order (lambda is written resolved plus lambda_option).
#define AUTOFOCUS_TRAIN_FIELDS(X)                                                                  \
  X(model)                                                                                         \
  X(method)                                                                                        \
  X(regularizer)                                                                                   \
  X(beta)                                                                                          \
  X(target) X(gaze_sigma) X(gaze_window) X(gaze_stride) X(gaze_decay) X(gaze_spread)               \
      X(gaze_future) X(fraction) X(fraction_unit) X(epochs) X(total_steps) X(batch) X(optimizer)   \
          X(lr) X(weight_decay) X(scheduler) X(lr_step) X(lr_gamma) X(warmup) X(grad_clip)         \
              X(action_weights) X(normalize_actions) X(state_keys) X(normalize_state) X(seed)      \
                  X(threads) X(device) X(amp) X(input_height) X(input_width) X(stack) X(grayscale) \
                      X(val_fraction) X(split) X(filter) X(augment) X(data_workers) X(max_steps)   \
                          X(log_every) X(checkpoint_every) X(name)

double TrainOptions::Lambda() const {
  return lambda >= 0 ? lambda : 10.0;
}

void TrainOptions::Check(const std::string& file) const {
  auto bad = [&](const std::string& field, const std::string& reason) {
    throw Error(file, field, reason);
  };
  auto one_of = [&](const std::string& field, const std::string& value,
                    std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* a : allowed) {
      if (value == a) return;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    bad(field, "unknown value \"" + value + "\" (" + list + ")");
  };
  one_of("model", model, {"gabril-cnn", "resnet18", "resnet34"});
  one_of("method", method, {"bc", "visarl", "gmd", "agil"});
  one_of("regularizer", regularizer, {"none", "gabril_mse", "l1_outside", "kl", "js", "tv"});
  one_of("target", target, {"vlm", "gaze", "none"});
  if (method != "bc" && target == "none") {
    bad("target", "method " + method + " takes the target map as an input (vlm or gaze)");
  }
  if (regularizer != "none" && target == "none") {
    bad("target", "regularizer " + regularizer + " needs a target map (vlm or gaze)");
  }
  if (!(lambda < 0 || std::isfinite(lambda))) bad("lambda", "must be finite");
  if (!(beta > 0)) bad("beta", "must be > 0");
  if (!(gaze_sigma > 0)) bad("gaze_sigma", "must be > 0");
  if (gaze_window < 0) bad("gaze_window", "must be >= 0");
  if (gaze_stride < 1) bad("gaze_stride", "must be >= 1");
  if (!(gaze_decay > 0 && gaze_decay <= 1)) bad("gaze_decay", "must be in (0, 1]");
  if (!(gaze_spread > 0 && gaze_spread <= 1)) bad("gaze_spread", "must be in (0, 1]");
  if (!(fraction >= 0 && fraction <= 1)) bad("fraction", "must be in [0, 1]");
  one_of("fraction_unit", fraction_unit, {"frame", "episode"});
  if (epochs < 1) bad("epochs", "must be >= 1");
  if (total_steps < 0) bad("total_steps", "must be >= 0");
  if (batch < 1) bad("batch", "must be >= 1");
  one_of("optimizer", optimizer, {"adam", "adamw"});
  if (!(lr > 0)) bad("lr", "must be > 0");
  if (!(weight_decay < 0 || std::isfinite(weight_decay))) bad("weight_decay", "must be finite");
  one_of("scheduler", scheduler, {"step", "cosine", "constant"});
  if (lr_step < 1) bad("lr_step", "must be >= 1");
  if (!(lr_gamma > 0 && lr_gamma <= 1)) bad("lr_gamma", "must be in (0, 1]");
  if (!(warmup >= 0 && warmup <= 0.5)) bad("warmup", "must be in [0, 0.5]");
  if (!(grad_clip >= 0)) bad("grad_clip", "must be >= 0");
  for (double w : action_weights) {
    if (!(w >= 0 && std::isfinite(w)))
      bad("action_weights", "every weight must be finite and >= 0");
  }
  for (const auto& k : state_keys) {
    if (k.empty()) bad("state_keys", "a state key is empty");
  }
  if (threads < 0) bad("threads", "must be >= 0");
  int cuda = -1;
  if (!ParseDevice(device, &cuda))
    bad("device", "expected cpu, cuda or cuda:N, got \"" + device + "\"");
  // The four stride/kernel stages of the CNN need at least a 36x64 input to leave a 1x1 map.
  if (input_height < 36 || input_width < 64 || input_height > 4096 || input_width > 4096) {
    bad("input_size", "must be at least 36x64 and at most 4096x4096");
  }
  if (stack < 1 || stack > 8) bad("stack", "must be in 1..8");
  if (!(val_fraction >= 0 && val_fraction <= 0.9)) bad("val_fraction", "must be in [0, 0.9]");
  one_of("split", split, {"seeded", "hdf5"});
  if (!(filter.empty() || filter == "flagged" || filter == "unflagged" ||
        (filter.rfind("mask:", 0) == 0 && filter.size() > 5))) {
    bad("filter", "expected flagged, unflagged or mask:NAME, got \"" + filter + "\"");
  }
  if (data_workers < 1 || data_workers > 64) bad("data_workers", "must be in 1..64");
  if (max_steps < 0) bad("max_steps", "must be >= 0");
  if (log_every < 0) bad("log_every", "must be >= 0");
  if (checkpoint_every < 0) bad("checkpoint_every", "must be >= 0");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      bad("name", "run names may only hold letters, digits, '-', '_' and '.'");
    }
  }
  if (name == "." || name == "..") bad("name", "not a valid run name");
}

Json TrainOptions::ToJson() const {
  Json j = Json::object();
#define AUTOFOCUS_WRITE(f) j[#f] = f;
  AUTOFOCUS_TRAIN_FIELDS(AUTOFOCUS_WRITE)
#undef AUTOFOCUS_WRITE
  j["lambda"] = Lambda();
  j["lambda_option"] = lambda;
  return j;
}

std::vector<std::string> TrainOptions::FieldNames() {
  std::vector<std::string> names;
#define AUTOFOCUS_NAME(f) names.push_back(#f);
  AUTOFOCUS_TRAIN_FIELDS(AUTOFOCUS_NAME)
#undef AUTOFOCUS_NAME
  names.push_back("lambda");
  names.push_back("lambda_option");
  return names;
}

TrainOptions TrainOptions::FromJson(const Json& j, const std::string& file,
                                    const TrainOptions& base) {
  if (!j.is_object()) throw Error(file, "", "training options must be a JSON object");
  TrainOptions o = base;
  const auto names = FieldNames();
  const std::set<std::string> known(names.begin(), names.end());
  for (const auto& [key, value] : j.items()) {
    if (!known.count(key)) throw Error(file, key, "unknown training option");
  }
  std::string field;
  try {
#define AUTOFOCUS_READ(f) \
  field = #f;             \
  if (j.contains(#f)) j.at(#f).get_to(o.f);
    AUTOFOCUS_TRAIN_FIELDS(AUTOFOCUS_READ)
#undef AUTOFOCUS_READ
    // lambda_option is the raw setting; "lambda" alone (hand-written configs) is taken as set.
    field = "lambda";
    if (j.contains("lambda_option")) {
      o.lambda = j["lambda_option"].get<double>();
    } else if (j.contains("lambda")) {
      o.lambda = j["lambda"].get<double>();
    }
  } catch (const Json::exception& e) {
    throw Error(file, field, std::string("wrong type: ") + e.what());
  }
  o.Check(file);
  return o;
}

TrainOptions TrainOptions::FromJson(const Json& j, const std::string& file) {
  return FromJson(j, file, TrainOptions());
}

TrainOptions TrainOptions::Preset(const std::string& name) {
  TrainOptions o;
  if (name == "paper-carla") {
    o.regularizer = "gabril_mse";
    o.lambda = 10;
    return o;
  }
  if (name == "paper-robot") {
    // TRAINING.md, robot variant: ResNet-34 on 2 stacked RGB frames at 256x256, GABRIL loss
    // with beta 1 and lambda 5, AdamW 3e-4 with 10 % warm-up then cosine, clip 1.0; the
    // reference trains 5k-20k steps with batches of 2000-3200 on GPUs.
    o.model = "resnet34";
    o.regularizer = "gabril_mse";
    o.lambda = 5;
    o.beta = 1;
    o.grayscale = false;
    o.input_height = 256;
    o.input_width = 256;
    o.optimizer = "adamw";
    o.lr = 3e-4;
    o.scheduler = "cosine";
    o.warmup = 0.1;
    o.grad_clip = 1.0;
    o.augment = true;
    o.total_steps = 10000;
    o.batch = 2000;
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
  throw Error("", "--preset", "unknown preset \"" + name + "\" (paper-carla, paper-robot, quick)");
}

bool ParseDevice(const std::string& text, int* cuda_index) {
  if (text == "cpu") {
    *cuda_index = -1;
    return true;
  }
  if (text == "cuda") {
    *cuda_index = 0;
    return true;
  }
  if (text.rfind("cuda:", 0) != 0 || text.size() == 5 || text.size() > 8) return false;
  int n = 0;
  for (size_t i = 5; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    n = n * 10 + (text[i] - '0');
  }
  *cuda_index = n;
  return true;
}

bool ParseInputSize(const std::string& text, int* height, int* width) {
  int h = 0, w = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &h, &x, &w, &extra) != 3 || (x != 'x' && x != 'X'))
    return false;
  *height = h;
  *width = w;
  return true;
}

}  // namespace autofocus
