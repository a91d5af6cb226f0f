// The training loop of core/train (LibTorch): data to device, loss, optimiser and schedule,
// checkpoints, metrics and the policy export. Models are in models.cpp, regularisers in
// losses.cpp (each torch TU costs ~1 GB and a minute to compile, so there are few).
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "core/train/distributed.h"
#include "core/train/losses.h"
#include "core/train/models.h"
#include "core/train/run_registry.h"
#include "core/train/train_data.h"
#include "core/train/trainer.h"

namespace autofocus {

namespace {

using Clock = std::chrono::steady_clock;

// The loop position and running sums a checkpoint carries (so a resumed epoch reports the
// same metrics as an uninterrupted one).
struct LoopState {
  int epoch = 0;                                              // epochs finished
  int64_t step_in_epoch = 0;                                  // batches done in the current epoch
  int64_t global_step = 0;                                    // optimiser steps in total
  double best_val = std::numeric_limits<double>::infinity();  // best validation BC
  double sum_loss = 0, sum_bc = 0, sum_reg = 0;               // sample-weighted sums of this epoch
  double n_seen = 0, n_reg = 0;  // samples (and regularised samples) so far
  double last_loss = 0;          // mean loss of the last finished epoch

  std::vector<double> Pack() const {
    return {static_cast<double>(epoch),
            static_cast<double>(step_in_epoch),
            static_cast<double>(global_step),
            best_val,
            sum_loss,
            sum_bc,
            sum_reg,
            n_seen,
            n_reg,
            last_loss};
  }
  void Unpack(const torch::Tensor& t, const std::string& file) {
    if (t.numel() != 10) throw Error(file, "meta", "unexpected checkpoint layout");
    auto a = t.accessor<double, 1>();
    epoch = static_cast<int>(a[0]);
    step_in_epoch = static_cast<int64_t>(a[1]);
    global_step = static_cast<int64_t>(a[2]);
    best_val = a[3];
    sum_loss = a[4];
    sum_bc = a[5];
    sum_reg = a[6];
    n_seen = a[7];
    n_reg = a[8];
    last_loss = a[9];
  }
};

// The serialised checkpoint (model, optimiser when given, loop state).
std::string CheckpointBytes(PolicyNet& model, torch::optim::Optimizer* opt, const LoopState& st) {
  torch::serialize::OutputArchive ar;
  model.save(ar);
  if (opt) {
    torch::serialize::OutputArchive oa;
    opt->save(oa);
    ar.write("optimizer", oa);
  }
  auto meta = st.Pack();
  ar.write("meta", torch::tensor(meta, torch::kFloat64));
  {
    // torch's CPU generator drives dropout: stored so a resumed run draws the same masks.
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    ar.write("rng", gen.get_state());
  }
  std::ostringstream os;
  ar.save_to(os);
  return os.str();
}

void SaveCheckpoint(const std::filesystem::path& path, PolicyNet& model,
                    torch::optim::Optimizer* opt, const LoopState& st) {
  WriteFileAtomic(path, CheckpointBytes(model, opt, st));  // temp + fsync + rename
}

void LoadCheckpoint(const std::filesystem::path& path, PolicyNet& model,
                    torch::optim::Optimizer& opt, LoopState* st, const torch::Device& device) {
  try {
    torch::serialize::InputArchive ar;
    ar.load_from(path.string(), device);
    model.load(ar);
    torch::serialize::InputArchive oa;
    ar.read("optimizer", oa);
    opt.load(oa);
    torch::Tensor meta;
    ar.read("meta", meta);
    st->Unpack(meta.cpu(), path.string());
    torch::Tensor rng;
    if (ar.try_read("rng", rng)) {
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(rng);
    }
  } catch (const c10::Error& e) {
    throw Error(path.string(), "",
                std::string("cannot read checkpoint: ") + e.what_without_backtrace());
  }
}

// The device of `o.device`; Error when this LibTorch cannot use it.
torch::Device ResolveDevice(const TrainOptions& o) {
  int index = -1;
  ParseDevice(o.device, &index);
  if (index < 0) return torch::Device(torch::kCPU);
  if (!torch::cuda::is_available()) {
    throw Error("", "device",
                o.device + " requested, but this LibTorch has no usable CUDA device (Debian's " +
                    "libtorch is CPU-only: build against a CUDA LibTorch with -DTorch_DIR=..., " +
                    "docs/training.md)");
  }
  if (index >= static_cast<int>(torch::cuda::device_count())) {
    throw Error("", "device",
                o.device + " requested, but only " + std::to_string(torch::cuda::device_count()) +
                    " CUDA device(s) are visible");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

// Learning rate at a step: optional linear warm-up over the first `warmup` share of all steps,
// then StepLR on the epoch, cosine to 0 over the remaining steps, or constant. A function of the
// position only, so a resumed run needs no scheduler state.
double LearningRate(const TrainOptions& o, int epoch, int64_t step, int64_t total_steps) {
  const int64_t warm =
      static_cast<int64_t>(std::llround(o.warmup * static_cast<double>(total_steps)));
  if (warm > 0 && step < warm)
    return o.lr * static_cast<double>(step + 1) / static_cast<double>(warm);
  if (o.scheduler == "step") return o.lr * std::pow(o.lr_gamma, epoch / o.lr_step);
  if (o.scheduler == "cosine") {
    const double p = total_steps > warm ? static_cast<double>(step - warm) /
                                              static_cast<double>(total_steps - warm)
                                        : 1.0;
    return o.lr * 0.5 * (1 + std::cos(M_PI * std::min(1.0, std::max(0.0, p))));
  }
  return o.lr;
}

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const TrainOptions& o, PolicyNet& model) {
  if (o.optimizer == "adamw") {
    return std::make_unique<torch::optim::AdamW>(
        model.parameters(),
        torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay >= 0 ? o.weight_decay : 0.01));
  }
  return std::make_unique<torch::optim::Adam>(
      model.parameters(),
      torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay >= 0 ? o.weight_decay : 0.0));
}

// Tensors of a batch on the device (one copy per batch), actions and state normalised as the
// model sees them.
struct DeviceBatch {
  torch::Tensor obs, act_raw, act, state, target, mask;
};

// Normalisation constants on the device ([1, D] rows; undefined = identity).
struct Normaliser {
  torch::Tensor act_mean, act_std, state_mean, state_std, weights;
  bool weighted = false;  // some action weight differs from 1

  Normaliser(const TrainDataset& data, const torch::Device& device) {
    const TrainOptions& o = data.options();
    auto row = [&](const std::vector<float>& v) {
      return torch::tensor(v, torch::kFloat32).reshape({1, -1}).to(device);
    };
    if (o.normalize_actions) {
      act_mean = row(data.action_stats().mean);
      act_std = row(data.action_stats().std);
    }
    if (data.state_dim() > 0 && o.normalize_state) {
      // One frame's statistics, repeated for every stacked frame.
      state_mean = row(data.state_stats().mean).repeat({1, o.stack});
      state_std = row(data.state_stats().std).repeat({1, o.stack});
    }
    for (float w : data.action_weights()) weighted = weighted || w != 1.f;
    weights = row(data.action_weights());
  }
  torch::Tensor Denormalise(const torch::Tensor& a) const {
    return act_mean.defined() ? a * act_std + act_mean : a;
  }
  // BC loss: mean over samples and dimensions of w_d (pred - act)^2 (plain MSE with unit weights).
  torch::Tensor Bc(const torch::Tensor& pred, const torch::Tensor& act) const {
    return weighted ? ((pred - act).pow(2) * weights).mean() : torch::mse_loss(pred, act);
  }
};

DeviceBatch ToDevice(TrainBatch& b, const TrainDataset& data, const Normaliser& norm,
                     const torch::Device& device) {
  const TrainOptions& o = data.options();
  auto blob = [&](std::vector<float>& v, std::vector<int64_t> shape) {
    // from_blob does not copy: on the CPU the tensors view the batch's buffers, which outlive
    // the step; on another device .to() makes the one copy per batch.
    auto t = torch::from_blob(v.data(), shape, torch::kFloat32);
    return device.is_cpu() ? t : t.to(device);
  };
  DeviceBatch d;
  d.obs = blob(b.obs, {b.n, o.Channels(), o.input_height, o.input_width});
  d.act_raw = blob(b.actions, {b.n, data.num_actions()});
  d.act = norm.act_mean.defined() ? (d.act_raw - norm.act_mean) / norm.act_std : d.act_raw;
  if (data.state_dim() > 0) {
    d.state = blob(b.state, {b.n, data.state_dim()});
    if (norm.state_mean.defined()) d.state = (d.state - norm.state_mean) / norm.state_std;
  }
  d.target = blob(b.target, {b.n, o.input_height, o.input_width});
  d.mask = blob(b.reg_mask, {b.n});
  return d;
}

// Mean BC (plain MSE in the actions' own units) over the validation split, in a fixed order,
// without gradients; comparable across runs and with the mean-action baseline.
double Validate(const TrainDataset& data, PolicyNet& model, const Normaliser& norm,
                const torch::Device& device, DataParallel& dp) {
  if (data.val_samples().empty()) return -1;
  torch::NoGradGuard guard;
  model.eval();
  const TrainOptions& o = data.options();
  ShardedBatchStream stream(dp, data, data.val_samples(), {}, o.batch, o.data_workers);  // dist
  TrainBatch b;
  double sum = 0, count = 0;
  while (stream.Next(&b)) {
    const DeviceBatch d = ToDevice(b, data, norm, device);
    torch::Tensor out;
    {
      BFloat16Autocast amp(o.amp, device);
      out = model.Forward(d.obs, d.target, d.state);
    }
    const auto pred = norm.Denormalise(out.to(torch::kFloat32));
    sum += (pred - d.act_raw).pow(2).sum().item<double>();
    count += static_cast<double>(b.n) * data.num_actions();
  }
  model.train();
  const auto total = dp.Sum({sum, count});  // dist: over every rank's slices (one process: as is)
  return total[0] / total[1];
}

std::string CompactTimestamp() {
  std::string s = NowIso8601();  // 2026-11-21T09:30:00Z -> 20261121-093000
  std::string out;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) out += c;
    if (c == 'T') out += '-';
  }
  return "run-" + out;
}

PolicyNormalisation ExportNormalisation(const TrainDataset& data) {
  const TrainOptions& o = data.options();
  PolicyNormalisation n;
  if (o.normalize_actions) {
    n.action_mean = data.action_stats().mean;
    n.action_std = data.action_stats().std;
  }
  if (data.state_dim() > 0 && o.normalize_state) {
    for (int k = 0; k < o.stack; ++k) {
      n.state_mean.insert(n.state_mean.end(), data.state_stats().mean.begin(),
                          data.state_stats().mean.end());
      n.state_std.insert(n.state_std.end(), data.state_stats().std.begin(),
                         data.state_stats().std.end());
    }
  }
  return n;
}

void WritePolicy(const std::filesystem::path& dir, PolicyNet& model, const TrainDataset& data,
                 const std::string& run_name) {
  const TrainOptions& o = data.options();
  const PolicyNormalisation norm = ExportNormalisation(data);
  auto m = ExportTorchScript(model, norm);
  std::ostringstream os;
  m.save(os);
  WriteFileAtomic(dir / "policy.pt", os.str());
  Json state = nullptr;
  if (data.state_dim() > 0) {
    state = {{"keys", o.state_keys},
             {"shape", {"B", data.state_dim()}},
             {"order", "the keys' values concatenated per stacked frame, oldest frame first"},
             {"normalisation", norm.state_mean.empty()
                                   ? Json(nullptr)
                                   : Json{{"mean", norm.state_mean},
                                          {"std", norm.state_std},
                                          {"applied_by", "policy.pt (pass raw state)"}}}};
  }
  Json policy = {{"format", "torchscript"},
                 {"file", "policy.pt"},
                 {"signature", std::string("forward(x") + (model.UsesMap() ? ", m" : "") +
                                   (data.state_dim() > 0 ? ", state" : "") + ") -> actions"},
                 {"map", model.UsesMap() ? Json{{"shape", {"B", o.input_height, o.input_width}},
                                                {"range", {0, 1}},
                                                {"source", o.target},
                                                {"meaning",
                                                 "the training target map of the newest frame, "
                                                 "resized to the input (docs/training.md)"}}
                                         : Json(nullptr)},
                 {"input_shape", {o.Channels(), o.input_height, o.input_width}},
                 {"input_range", {0, 1}},
                 {"stack", o.stack},
                 {"stack_order", "oldest first; the first frame repeated before the episode start"},
                 {"grayscale", o.grayscale},
                 {"grayscale_weights", o.grayscale ? Json{0.299, 0.587, 0.114} : Json(nullptr)},
                 {"channel_order", o.grayscale ? "gray per frame" : "RGB per frame"},
                 {"resize", "INTER_AREA when shrinking, bilinear when enlarging, before grayscale"},
                 {"state", state},
                 {"action_names", data.action_names()},
                 {"action_normalisation",
                  norm.action_mean.empty()
                      ? Json(nullptr)
                      : Json{{"mean", norm.action_mean},
                             {"std", norm.action_std},
                             {"applied_by", "policy.pt (outputs are in the actions' units)"}}},
                 {"output_shape", {"B", data.num_actions()}},
                 {"feature_shape", model.FeatureShape()},
                 {"model", o.model},
                 {"method", o.method},
                 {"regularizer", o.regularizer},
                 {"lambda", o.Lambda()},
                 {"target", o.target},
                 {"run", run_name}};
  SaveJsonFile(dir / "policy.json", policy);
}

// Drops metrics records past the checkpoint (a kill between the append and the checkpoint), so
// every step and epoch is listed once after a resume.
void TrimMetrics(const std::filesystem::path& file, int64_t global_step, int epoch) {
  if (!std::filesystem::exists(file)) return;
  std::ifstream in(file);
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const Json j = ParseJsonText(line, file.string());
    const bool is_epoch = j.value("type", "epoch") == "epoch";
    if (is_epoch ? j.value("epoch", 0) <= epoch : j.value("step", int64_t{0}) <= global_step)
      kept += line + "\n";
  }
  WriteFileAtomic(file, kept);
}

}  // namespace

Json BenchmarkTrainingStep(const std::string& regularizer, int batch, int height, int width,
                           int steps, int threads, const std::filesystem::path& project,
                           int workers, bool amp) {
  if (threads > 0) torch::set_num_threads(threads);
  // With a project, batches come from its frames through the real loader (to measure the data
  // wait); otherwise random data at the requested shapes times the step alone.
  std::unique_ptr<TrainDataset> data;
  std::unique_ptr<BatchStream> stream;
  std::vector<size_t> order;
  int actions = 7;
  if (!project.empty()) {
    TrainOptions o;
    o.input_height = height;
    o.input_width = width;
    o.batch = batch;
    o.regularizer = regularizer == "none" ? "none" : "gabril_mse";
    o.data_workers = workers;
    o.val_fraction = 0;
    data = std::make_unique<TrainDataset>(project, o);
    for (size_t k = 0; k < static_cast<size_t>(steps + 1); ++k) {
      for (size_t i = 0; i < static_cast<size_t>(batch); ++i)
        order.push_back((k * batch + i) % data->train_samples().size());
    }
    stream = std::make_unique<BatchStream>(*data, data->train_samples(), order, batch, workers);
    actions = data->num_actions();
  }
  torch::manual_seed(1);
  GabrilCnn model(2, height, width, actions);
  model->Initialise();
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(5e-4));
  auto obs = torch::rand({batch, 2, height, width});
  auto act = torch::rand({batch, actions});
  auto target = torch::rand({batch, height, width});
  double wait = 0;
  TrainBatch b;
  auto step = [&] {
    if (stream) {
      const auto w0 = Clock::now();
      stream->Next(&b);
      wait += std::chrono::duration<double>(Clock::now() - w0).count();
      obs = torch::from_blob(b.obs.data(), {b.n, 2, height, width});
      act = torch::from_blob(b.actions.data(), {b.n, data->num_actions()});
      target = torch::from_blob(b.target.data(), {b.n, height, width});
    }
    opt.zero_grad();
    torch::Tensor z, pred;
    {
      BFloat16Autocast cast(amp, torch::Device(torch::kCPU));
      z = model->Encode(obs);
      pred = model->Head(z);
    }
    z = z.to(torch::kFloat32);
    auto loss = torch::mse_loss(pred.to(torch::kFloat32), act);
    if (regularizer != "none")
      loss = loss + 10 * RegularizerPerSample(regularizer, z, target, 50).mean();
    loss.backward();
    opt.step();
  };
  step();  // warm-up: first-touch allocations, OpenBLAS threads, the loader's first batch
  wait = 0;
  const auto t0 = Clock::now();
  for (int i = 0; i < steps; ++i) step();
  const double total = std::chrono::duration<double>(Clock::now() - t0).count();
  const double ms = total * 1000.0 / std::max(1, steps);
  return {{"regularizer", regularizer},
          {"amp", amp ? "bf16" : "none"},
          {"ms_per_step", ms},
          {"data_wait", total > 0 ? wait / total : 0.0},
          {"data", project.empty() ? "random" : project.string()},
          {"workers", project.empty() ? 0 : workers},
          {"batch", batch},
          {"input", std::to_string(height) + "x" + std::to_string(width)},
          {"steps", steps},
          {"threads", torch::get_num_threads()}};
}

TrainReport RunTraining(const std::filesystem::path& project, const TrainOptions& options_in,
                        const std::string& resume, const ProgressCallback& progress,
                        const StopCheck& stop, const MetricsCallback& metrics_cb) {
  const auto t0 = Clock::now();
  // dist: one process unless the environment names a multi-process run (distributed.h); only
  // rank 0 writes the run folder (every `dp.rank0()` below).
  DataParallel dp(RendezvousFromEnvironment());
  TrainOptions o = options_in;
  std::filesystem::path dir;
  Json run;
  if (!resume.empty()) {
    dir = RunDirectory(project, resume);
    const auto run_file = dir / "run.json";
    if (!std::filesystem::exists(run_file))
      throw Error(run_file.string(), "--resume", "no such run");
    run = LoadJsonFile(run_file);
    o = TrainOptions::FromJson(run.at("config"), run_file.string());
    // Execution settings given for this session win over the stored ones (a value left at its
    // default keeps the stored one); a stored max_steps was the last session's limit.
    const TrainOptions defaults;
    if (options_in.threads != defaults.threads) o.threads = options_in.threads;
    if (options_in.data_workers != defaults.data_workers) o.data_workers = options_in.data_workers;
    if (options_in.device != defaults.device) o.device = options_in.device;
    o.max_steps = options_in.max_steps;
    if (run.value("status", "") == "completed") {
      throw Error(run_file.string(), "--resume", "the run is already completed");
    }
  } else {
    if (o.name.empty()) o.name = CompactTimestamp();
    o.Check();
    dir = RunDirectory(project, o.name);
    // A folder without run.json is a start killed before it recorded anything: reuse it.
    if (dp.rank0() && std::filesystem::exists(dir / "run.json")) {
      throw Error(dir.string(), "--name",
                  "a run with this name exists (use --resume " + o.name + " or another --name)");
    }
  }
  const torch::Device device = ResolveDevice(o);
  if (o.threads > 0) torch::set_num_threads(o.threads);
  TrainDataset data(project, o);
  if (dp.rank0()) {
    // The run goes on without them; run.json's split names them too.
    for (const Json& d : data.damaged_episodes())
      std::cerr << "warning: skipped damaged episode " << d.value("episode", "") << ": "
                << d.value("error", "") << std::endl;
  }

  // Initialisation is the only use of torch's RNG besides dropout: seeding here makes a run
  // reproducible, and a resumed run overwrites the parameters from the checkpoint anyway.
  torch::manual_seed(o.seed);
  auto model = MakePolicyNet(o, data.num_actions(), data.state_dim());
  model->to(device);
  auto opt = MakeOptimizer(o, *model);
  const Normaliser norm(data, device);
  LoopState st;
  const auto metrics_file = dir / "metrics.jsonl";
  if (!resume.empty()) {
    // A run killed before its first checkpoint is the same run from step 0 (seeded, so it
    // ends as an uninterrupted one would); its early metrics lines are dropped below.
    if (std::filesystem::exists(dir / "last.ckpt"))
      LoadCheckpoint(dir / "last.ckpt", *model, *opt, &st, device);
    if (dp.rank0()) TrimMetrics(metrics_file, st.global_step, st.epoch);
  } else {
    if (dp.rank0()) std::filesystem::create_directories(dir);
    run = {{"name", o.name},
           {"project", std::filesystem::absolute(project).string()},
           {"config", o.ToJson()},
           {"dataset", data.Fingerprint()},
           {"split", data.SplitJson()},
           {"samples",
            {{"train", data.train_samples().size()}, {"validation", data.val_samples().size()}}},
           {"model",
            {{"name", o.model},
             {"parameters", CountParameters(*model)},
             {"feature_shape", model->FeatureShape()},
             {"state_dim", data.state_dim()}}},
           {"action_names", data.action_names()},
           {"action_stats", {{"mean", data.action_stats().mean}, {"std", data.action_stats().std}}},
           {"baseline",
            {{"val_bc_mean_action", data.MeanActionValidationMse() >= 0
                                        ? Json(data.MeanActionValidationMse())
                                        : Json(nullptr)}}},
           {"code_version", "autofocus 0.1.0"},
           {"torch_version", TORCH_VERSION},
           {"created", NowIso8601()},
           {"sessions", Json::array()}};
  }
  dp.BroadcastParameters(*model);  // dist: every rank starts from rank 0's parameters
  run["status"] = "running";
  run["updated"] = NowIso8601();
  run["sessions"].push_back({{"started", NowIso8601()},
                             {"resumed_at_epoch", st.epoch},
                             {"resumed_at_step", st.global_step},
                             {"threads", torch::get_num_threads()},
                             {"device", o.device},
                             {"distributed", dp.rendezvous().ToJson()}});
  if (dp.rank0()) SaveJsonFile(dir / "run.json", run);

  const int64_t steps_per_epoch =
      static_cast<int64_t>((data.train_samples().size() + static_cast<size_t>(o.batch) - 1) /
                           static_cast<size_t>(o.batch));
  // total_steps, when set, decides the length: as many epochs as it needs, the last one cut.
  const int64_t total_steps = o.total_steps > 0 ? o.total_steps : steps_per_epoch * o.epochs;
  const int epochs = static_cast<int>((total_steps + steps_per_epoch - 1) / steps_per_epoch);
  const double lambda = o.Lambda();
  TrainReport report;
  report.run_dir = dir;
  const auto session_start = Clock::now();
  const int64_t session_first_step = st.global_step;

  auto finish_session = [&](const std::string& status) {
    run["status"] = status;
    run["updated"] = NowIso8601();
    run["epochs_done"] = st.epoch;
    run["steps"] = st.global_step;
    run["best_val_bc"] = std::isfinite(st.best_val) ? Json(st.best_val) : Json(nullptr);
    // The figure the quick preset is judged by: < 1 beats always predicting the mean action.
    const double mean_action = data.MeanActionValidationMse();
    run["best_val_bc_vs_mean_action"] = std::isfinite(st.best_val) && mean_action > 0
                                            ? Json(st.best_val / mean_action)
                                            : Json(nullptr);
    run["sessions"].back()["ended"] = NowIso8601();
    run["sessions"].back()["status"] = status;
    run["sessions"].back()["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dp.rank0()) SaveJsonFile(dir / "run.json", run);
    report.status = status;
    report.epochs_done = st.epoch;
    report.steps = st.global_step;
    report.last_loss = st.last_loss;
    report.best_val_bc = std::isfinite(st.best_val) ? st.best_val : -1;
    report.val_bc_mean_action = data.MeanActionValidationMse();
    report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  };
  auto emit = [&](const Json& rec) {
    if (!dp.rank0()) return;  // dist
    AppendFileDurable(metrics_file, rec.dump() + "\n");
    if (metrics_cb) metrics_cb(rec);
  };

  try {
    for (; st.epoch < epochs; ++st.epoch) {
      // The epoch's order depends only on (seed, epoch): a resume skips the batches it did.
      const auto order =
          SeededPermutation(data.train_samples().size(), HashMix(o.seed, "epoch", st.epoch));
      // Augmentation is drawn per (seed, epoch, sample): a resume redraws the same.
      const uint64_t augment_seed = o.augment ? (HashMix(o.seed, "augment", st.epoch) | 1u) : 0;
      // dist: this rank's slice of every global batch (one process: the whole batch)
      ShardedBatchStream stream(dp, data, data.train_samples(), order, o.batch, o.data_workers,
                                static_cast<size_t>(st.step_in_epoch), augment_seed);
      const auto epoch_start = Clock::now();
      double wait = 0, lr = o.lr;
      double samples_this_session = 0;
      auto log_start = Clock::now();
      double log_wait = 0, log_samples = 0;
      TrainBatch b;
      while (st.global_step < total_steps) {
        const auto w0 = Clock::now();
        if (!stream.Next(&b)) break;
        const double waited = std::chrono::duration<double>(Clock::now() - w0).count();
        wait += waited;
        log_wait += waited;
        lr = LearningRate(o, st.epoch, st.global_step, total_steps);
        for (auto& g : opt->param_groups()) g.options().set_lr(lr);
        const DeviceBatch d = ToDevice(b, data, norm, device);
        opt->zero_grad();
        torch::Tensor z, pred;
        {
          BFloat16Autocast amp(o.amp, device);
          z = model->EncodeWithMap(d.obs, d.target);
          pred = model->Head(z, d.state);
        }
        // Losses in float32 outside the autocast region (bicubic/softmax/adjoint need it).
        z = z.to(torch::kFloat32);
        auto bc = norm.Bc(pred.to(torch::kFloat32), d.act);
        torch::Tensor mask = d.mask;
        torch::Tensor reg = torch::zeros({}, torch::TensorOptions().device(device));
        if (o.DistanceRegularizer())
          mask = mask * DistanceDefined(d.target);  // empty maps have no distribution
        const double n_reg = o.regularizer != "none" ? mask.sum().item<double>() : 0.0;
        if (o.regularizer != "none" && n_reg > 0) {
          // Averaged over the regularised samples only (the reference's fraction ablation).
          reg = (RegularizerPerSample(o.regularizer, z, d.target, o.beta) * mask).sum() / n_reg;
        }
        // dist: global counts; this rank's part of the global batch's loss; summed gradients
        const StepShare share = dp.Share(b.n, n_reg);
        auto loss = dp.Loss(bc, lambda, reg, share);  // one process: bc + lambda * reg
        loss.backward();
        dp.AllReduceGradients(*model);
        if (o.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), o.grad_clip);
        opt->step();
        // dist: the global batch's values and any rank's stop request (one process: as is)
        const StepTotals totals = dp.Totals(share, loss, bc, reg, stop && stop());
        st.sum_loss += totals.loss * totals.samples;
        st.sum_bc += totals.bc * totals.samples;
        st.sum_reg += totals.reg * totals.regularised;
        st.n_seen += totals.samples;
        st.n_reg += totals.regularised;
        samples_this_session += totals.samples;
        log_samples += totals.samples;
        ++st.step_in_epoch;
        ++st.global_step;
        if (o.log_every > 0 && st.global_step % o.log_every == 0) {
          const double el = std::chrono::duration<double>(Clock::now() - log_start).count();
          emit({{"type", "step"},
                {"epoch", st.epoch + 1},
                {"step", st.global_step},
                {"loss", st.sum_loss / st.n_seen},  // running means of the epoch so far
                {"bc", st.sum_bc / st.n_seen},
                {"reg", st.n_reg > 0 ? st.sum_reg / st.n_reg : 0.0},
                {"lr", lr},
                {"samples_per_s", el > 0 ? log_samples / el : 0.0},
                {"data_wait", el > 0 ? log_wait / el : 0.0},
                {"time", NowIso8601()}});
          log_start = Clock::now();
          log_wait = log_samples = 0;
        }
        if (progress && dp.rank0()) {
          Progress p;
          p.stage = "train";
          p.item = "epoch " + std::to_string(st.epoch + 1) + "/" + std::to_string(epochs) +
                   " loss " + std::to_string(st.sum_loss / st.n_seen);
          p.done = st.global_step;
          p.total = total_steps;
          const double el = std::chrono::duration<double>(Clock::now() - session_start).count();
          const int64_t done_here = st.global_step - session_first_step;
          p.eta_seconds = done_here > 0 ? el / static_cast<double>(done_here) *
                                              static_cast<double>(total_steps - st.global_step)
                                        : -1;
          progress(p);
        }
        if (totals.stop ||
            (o.max_steps > 0 && st.global_step >= o.max_steps && st.global_step < total_steps)) {
          if (dp.rank0()) SaveCheckpoint(dir / "last.ckpt", *model, opt.get(), st);
          finish_session("stopped");
          return report;
        }
      }
      const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
      const double val = Validate(data, *model, norm, device, dp);
      Json rec = {{"type", "epoch"},
                  {"epoch", st.epoch + 1},
                  {"step", st.global_step},
                  {"loss", st.sum_loss / std::max(1.0, st.n_seen)},
                  {"bc", st.sum_bc / std::max(1.0, st.n_seen)},
                  {"reg", st.n_reg > 0 ? st.sum_reg / st.n_reg : 0.0},
                  {"val_bc", val >= 0 ? Json(val) : Json(nullptr)},
                  {"lr", lr},
                  {"samples_per_s", seconds > 0 ? samples_this_session / seconds : 0.0},
                  {"data_wait", seconds > 0 ? wait / seconds : 0.0},
                  {"seconds", seconds},
                  {"time", NowIso8601()}};
      emit(rec);
      st.last_loss = rec["loss"].get<double>();
      const double score = val >= 0 ? val : st.last_loss;  // no validation split: training loss
      if (score < st.best_val) {
        st.best_val = score;
        LoopState best = st;
        best.epoch = st.epoch + 1;
        best.step_in_epoch = 0;
        if (dp.rank0()) SaveCheckpoint(dir / "best.ckpt", *model, nullptr, best);
        run["best_epoch"] = st.epoch + 1;
        run["best_metric"] = val >= 0 ? "val_bc" : "loss";
      }
      st.sum_loss = st.sum_bc = st.sum_reg = st.n_seen = st.n_reg = 0;
      st.step_in_epoch = 0;
      LoopState next = st;
      next.epoch = st.epoch + 1;
      const std::string bytes = CheckpointBytes(*model, opt.get(), next);
      if (dp.rank0()) WriteFileAtomic(dir / "last.ckpt", bytes);
      if (dp.rank0() && o.checkpoint_every > 0 && next.epoch % o.checkpoint_every == 0) {
        char file[32];
        std::snprintf(file, sizeof(file), "epoch-%04d.ckpt", next.epoch);
        WriteFileAtomic(dir / file, bytes);
      }
      run["epochs_done"] = st.epoch + 1;
      run["steps"] = st.global_step;
      run["updated"] = NowIso8601();
      if (dp.rank0()) SaveJsonFile(dir / "run.json", run);
    }
    if (dp.rank0()) WritePolicy(dir, *model, data, o.name);
    run["finished"] = NowIso8601();
    finish_session("completed");
  } catch (const Cancelled&) {
    if (dp.rank0()) SaveCheckpoint(dir / "last.ckpt", *model, opt.get(), st);
    finish_session("stopped");
  } catch (const std::exception& e) {
    run["error"] = e.what();
    finish_session("failed");
    throw;
  }
  return report;
}

}  // namespace autofocus
