// Everything of core/train that needs LibTorch, in one translation unit on purpose: a torch TU
// costs ~1 GB and a minute to compile, so the model, the regularisers, the TorchScript export
// and the training loop share it.
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/dataset/project_store.h"
#include "core/train/distributed.h"
#include "core/train/gabril_model.h"
#include "core/train/run_registry.h"
#include "core/train/train_data.h"
#include "core/train/trainer.h"

namespace autofocus {

namespace F = torch::nn::functional;

std::pair<int, int> GabrilFeatureSize(int height, int width) {
  // Three 4x4/s2/p1 convs halve (floor) each side; the 3x3 valid conv removes 2.
  return {height / 2 / 2 / 2 - 2, width / 2 / 2 / 2 - 2};
}

GabrilCnnImpl::GabrilCnnImpl(int c, int h, int w, int a) : channels(c), height(h), width(w), actions(a) {
  using torch::nn::Conv2dOptions;
  conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(c, 32, 4).stride(2).padding(1)));
  conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(32, 64, 4).stride(2).padding(1)));
  conv3 = register_module("conv3", torch::nn::Conv2d(Conv2dOptions(64, 128, 4).stride(2).padding(1)));
  conv4 = register_module("conv4", torch::nn::Conv2d(Conv2dOptions(128, 128, 3).stride(1).padding(0)));
  res1a = register_module("res1a", torch::nn::Conv2d(Conv2dOptions(128, 32, 3).padding(1).bias(false)));
  res1b = register_module("res1b", torch::nn::Conv2d(Conv2dOptions(32, 128, 1).bias(false)));
  res2a = register_module("res2a", torch::nn::Conv2d(Conv2dOptions(128, 32, 3).padding(1).bias(false)));
  res2b = register_module("res2b", torch::nn::Conv2d(Conv2dOptions(32, 128, 1).bias(false)));
  conv6 = register_module("conv6", torch::nn::Conv2d(Conv2dOptions(128, 128, 5).padding(2)));
  conv7 = register_module("conv7", torch::nn::Conv2d(Conv2dOptions(128, 64, 5).padding(2)));
  const auto [fh, fw] = GabrilFeatureSize(h, w);
  if (fh < 1 || fw < 1) throw Error("", "input_size", "too small for the GABRIL CNN");
  fc1 = register_module("fc1", torch::nn::Linear(64 * fh * fw, 256));
  fc2 = register_module("fc2", torch::nn::Linear(256, 256));
  fc3 = register_module("fc3", torch::nn::Linear(256, a));
}

torch::Tensor GabrilCnnImpl::Encode(const torch::Tensor& x) {
  auto h = torch::relu(conv1(x));
  h = torch::relu(conv2(h));
  h = torch::relu(conv3(h));
  h = conv4(h);
  // The VQ-VAE residual stack GABRIL uses: x + block(x) twice, one ReLU after the stack.
  h = h + res1b(torch::relu(res1a(torch::relu(h))));
  h = h + res2b(torch::relu(res2a(torch::relu(h))));
  h = torch::relu(h);
  h = torch::relu(conv6(h));
  return conv7(h);  // no activation: z may be negative, the regularisers take |z|
}

torch::Tensor GabrilCnnImpl::Head(const torch::Tensor& z) {
  auto h = fc1(torch::flatten(z, 1));  // no activation after the first Linear (reference)
  h = torch::relu(fc2(h));
  return fc3(h);
}

void GabrilCnnImpl::Initialise() {
  torch::NoGradGuard guard;
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::orthogonal_(c->weight, std::sqrt(2.0));
      if (c->bias.defined()) c->bias.zero_();
    } else if (auto* l = m->as<torch::nn::Linear>()) {
      torch::nn::init::orthogonal_(l->weight, 1.0);
      l->bias.zero_();
    }
  }
}

torch::Tensor GabrilAttention(const torch::Tensor& z, int height, int width, double beta) {
  const int64_t B = z.size(0), h = z.size(2), w = z.size(3);
  auto s = z.abs().sum(1).reshape({B, h * w}) / beta;
  auto p = torch::softmax(s, 1).reshape({B, 1, h, w});
  auto up = F::interpolate(p, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{height, width})
                                  .mode(torch::kBicubic)
                                  .align_corners(false))
                .reshape({B, height * width});
  auto mn = std::get<0>(up.min(1, true));
  auto mx = std::get<0>(up.max(1, true));
  // A tiny floor keeps a flat map (all cells equal) finite instead of 0/0.
  return ((up - mn) / (mx - mn).clamp_min(1e-12)).reshape({B, height, width});
}

torch::Tensor GabrilMsePerSample(const torch::Tensor& z, const torch::Tensor& target, double beta) {
  const auto a = GabrilAttention(z, static_cast<int>(target.size(1)), static_cast<int>(target.size(2)), beta);
  return (a - target).pow(2).mean({1, 2});
}

torch::Tensor BilinearMatrix(int in, int out) {
  // torch's align_corners=false rule: src = max((dst + 0.5) * in / out - 0.5, 0), the lower
  // index clamped to in - 1 and the upper one to the last sample.
  auto m = torch::zeros({out, in}, torch::kFloat64);
  auto acc = m.accessor<double, 2>();
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  for (int d = 0; d < out; ++d) {
    const double src = std::max((d + 0.5) * scale - 0.5, 0.0);
    int i0 = std::min(static_cast<int>(std::floor(src)), in - 1);
    const int i1 = i0 < in - 1 ? i0 + 1 : i0;
    const double l1 = std::min(std::max(src - i0, 0.0), 1.0);
    acc[d][i0] += 1.0 - l1;
    acc[d][i1] += l1;
  }
  return m.to(torch::kFloat32);
}

torch::Tensor L1OutsidePerSample(const torch::Tensor& z, const torch::Tensor& target) {
  const int64_t H = target.size(1), W = target.size(2);
  const int64_t h = z.size(2), w = z.size(3);
  const auto uy = BilinearMatrix(static_cast<int>(h), static_cast<int>(H)).to(z.device(), z.scalar_type());  // [H, h]
  const auto ux = BilinearMatrix(static_cast<int>(w), static_cast<int>(W)).to(z.device(), z.scalar_type());  // [W, w]
  torch::Tensor weights;
  {
    // U^T (1 - S) = Uy^T (1 - S) Ux per sample: the target is constant, so no graph is kept.
    torch::NoGradGuard guard;
    weights = torch::matmul(torch::matmul(uy.t(), 1 - target.to(z.dtype())), ux);  // [B, h, w]
  }
  const auto m = z.abs().sum(1);  // [B, h, w]
  return (m * weights).sum({1, 2}) / static_cast<double>(H * W);
}

torch::Tensor L1OutsideNaivePerSample(const torch::Tensor& z, const torch::Tensor& target) {
  const int64_t H = target.size(1), W = target.size(2);
  auto f = F::interpolate(z.abs().sum(1, true), F::InterpolateFuncOptions()
                                                   .size(std::vector<int64_t>{H, W})
                                                   .mode(torch::kBilinear)
                                                   .align_corners(false));
  return (f.squeeze(1) * (1 - target)).mean({1, 2});
}

torch::jit::Module ExportTorchScript(GabrilCnn& model) {
  torch::jit::Module m("AutofocusGabrilPolicy");
  torch::NoGradGuard guard;
  for (const auto& p : model->named_parameters()) {
    std::string name = p.key();
    for (char& c : name) {
      if (c == '.') c = '_';
    }
    m.register_parameter(name, p.value().detach().clone(), false);
  }
  // The same ops as GabrilCnnImpl, written against the copied weights so the file needs
  // nothing of ours to load (plain torch.jit.load / torch::jit::load).
  m.define(R"JIT(
def encode(self, x):
    h = torch.relu(torch.conv2d(x, self.conv1_weight, self.conv1_bias, [2, 2], [1, 1]))
    h = torch.relu(torch.conv2d(h, self.conv2_weight, self.conv2_bias, [2, 2], [1, 1]))
    h = torch.relu(torch.conv2d(h, self.conv3_weight, self.conv3_bias, [2, 2], [1, 1]))
    h = torch.conv2d(h, self.conv4_weight, self.conv4_bias, [1, 1], [0, 0])
    r = torch.relu(torch.conv2d(torch.relu(h), self.res1a_weight, None, [1, 1], [1, 1]))
    h = h + torch.conv2d(r, self.res1b_weight, None, [1, 1], [0, 0])
    r = torch.relu(torch.conv2d(torch.relu(h), self.res2a_weight, None, [1, 1], [1, 1]))
    h = h + torch.conv2d(r, self.res2b_weight, None, [1, 1], [0, 0])
    h = torch.relu(h)
    h = torch.relu(torch.conv2d(h, self.conv6_weight, self.conv6_bias, [1, 1], [2, 2]))
    return torch.conv2d(h, self.conv7_weight, self.conv7_bias, [1, 1], [2, 2])

def forward(self, x):
    h = torch.flatten(self.encode(x), 1)
    h = torch.addmm(self.fc1_bias, h, self.fc1_weight.t())
    h = torch.relu(torch.addmm(self.fc2_bias, h, self.fc2_weight.t()))
    return torch.addmm(self.fc3_bias, h, self.fc3_weight.t())
)JIT");
  return m;
}

namespace {

using Clock = std::chrono::steady_clock;

// The loop position and running sums a checkpoint carries (so a resumed epoch reports the
// same metrics as an uninterrupted one).
struct LoopState {
  int epoch = 0;              // epochs finished
  int64_t step_in_epoch = 0;  // batches done in the current epoch
  int64_t global_step = 0;    // optimiser steps in total
  double best_val = std::numeric_limits<double>::infinity();  // best validation BC
  double sum_loss = 0, sum_bc = 0, sum_reg = 0;  // sample-weighted sums of this epoch
  double n_seen = 0, n_reg = 0;                  // samples (and regularised samples) so far
  double last_loss = 0;                          // mean loss of the last finished epoch

  std::vector<double> Pack() const {
    return {static_cast<double>(epoch), static_cast<double>(step_in_epoch), static_cast<double>(global_step),
            best_val, sum_loss, sum_bc, sum_reg, n_seen, n_reg, last_loss};
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

void SaveCheckpoint(const std::filesystem::path& path, GabrilCnn& model, torch::optim::Adam* opt,
                    const LoopState& st) {
  torch::serialize::OutputArchive ar;
  model->save(ar);
  if (opt) {
    torch::serialize::OutputArchive oa;
    opt->save(oa);
    ar.write("optimizer", oa);
  }
  auto meta = st.Pack();
  ar.write("meta", torch::tensor(meta, torch::kFloat64));
  std::ostringstream os;
  ar.save_to(os);
  WriteFileAtomic(path, os.str());  // temp + fsync + rename: a kill never leaves half a file
}

void LoadCheckpoint(const std::filesystem::path& path, GabrilCnn& model, torch::optim::Adam& opt, LoopState* st) {
  try {
    torch::serialize::InputArchive ar;
    ar.load_from(path.string());
    model->load(ar);
    torch::serialize::InputArchive oa;
    ar.read("optimizer", oa);
    opt.load(oa);
    torch::Tensor meta;
    ar.read("meta", meta);
    st->Unpack(meta, path.string());
  } catch (const c10::Error& e) {
    throw Error(path.string(), "", std::string("cannot read checkpoint: ") + e.what_without_backtrace());
  }
}

torch::Tensor Blob(std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(v.data(), shape, torch::kFloat32);
}

// Mean BC (MSE) over the validation split, in a fixed order, without gradients.
double Validate(const TrainDataset& data, GabrilCnn& model, int batch, int workers, DataParallel& dp) {
  if (data.val_samples().empty()) return -1;
  torch::NoGradGuard guard;
  model->eval();
  const TrainOptions& o = data.options();
  ShardedBatchStream stream(dp, data, data.val_samples(), {}, batch, workers);  // dist: this rank's slices
  TrainBatch b;
  double sum = 0, count = 0;
  while (stream.Next(&b)) {
    auto obs = Blob(b.obs, {b.n, o.Channels(), o.input_height, o.input_width});
    auto act = Blob(b.actions, {b.n, data.num_actions()});
    sum += (model->forward(obs) - act).pow(2).sum().item<double>();
    count += static_cast<double>(b.n) * data.num_actions();
  }
  model->train();
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

void WritePolicy(const std::filesystem::path& dir, GabrilCnn& model, const TrainDataset& data,
                 const std::string& run_name) {
  const TrainOptions& o = data.options();
  auto m = ExportTorchScript(model);
  std::ostringstream os;
  m.save(os);
  WriteFileAtomic(dir / "policy.pt", os.str());
  Json policy = {{"format", "torchscript"},
                 {"file", "policy.pt"},
                 {"input_shape", {o.Channels(), o.input_height, o.input_width}},
                 {"input_range", {0, 1}},
                 {"stack", o.stack},
                 {"stack_order", "oldest first; the first frame repeated before the episode start"},
                 {"grayscale", o.grayscale},
                 {"grayscale_weights", o.grayscale ? Json{0.299, 0.587, 0.114} : Json(nullptr)},
                 {"channel_order", o.grayscale ? "gray per frame" : "RGB per frame"},
                 {"resize", "INTER_AREA when shrinking, bilinear when enlarging, before grayscale"},
                 {"action_names", data.action_names()},
                 {"action_normalisation", nullptr},
                 {"output_shape", {"B", data.num_actions()}},
                 {"model", o.model},
                 {"regularizer", o.regularizer},
                 {"lambda", o.Lambda()},
                 {"run", run_name}};
  SaveJsonFile(dir / "policy.json", policy);
}

}  // namespace

int64_t CountParameters(GabrilCnn& model) {
  int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  return n;
}

Json BenchmarkTrainingStep(const std::string& regularizer, int batch, int height, int width, int steps,
                           int threads) {
  if (threads > 0) torch::set_num_threads(threads);
  torch::manual_seed(1);
  GabrilCnn model(2, height, width, 7);
  model->Initialise();
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(5e-4));
  // Random data at the requested shapes: the benchmark times the step, not the loader.
  auto obs = torch::rand({batch, 2, height, width});
  auto act = torch::rand({batch, 7});
  auto target = torch::rand({batch, height, width});
  auto step = [&] {
    opt.zero_grad();
    auto z = model->Encode(obs);
    auto loss = torch::mse_loss(model->Head(z), act);
    if (regularizer == "gabril_mse") loss = loss + 10 * GabrilMsePerSample(z, target, 50).mean();
    if (regularizer == "l1_outside") loss = loss + 10 * L1OutsidePerSample(z, target).mean();
    if (regularizer == "l1_outside_naive") loss = loss + 10 * L1OutsideNaivePerSample(z, target).mean();
    loss.backward();
    opt.step();
  };
  step();  // warm-up: first-touch allocations and OpenBLAS thread start
  const auto t0 = Clock::now();
  for (int i = 0; i < steps; ++i) step();
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / std::max(1, steps);
  return {{"regularizer", regularizer}, {"ms_per_step", ms}, {"data_wait", 0.0}, {"batch", batch},
          {"input", std::to_string(height) + "x" + std::to_string(width)}, {"steps", steps},
          {"threads", torch::get_num_threads()}};
}

TrainReport RunTraining(const std::filesystem::path& project, const TrainOptions& options_in,
                        const std::string& resume, const ProgressCallback& progress, const StopCheck& stop,
                        const MetricsCallback& metrics_cb) {
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
    if (!std::filesystem::exists(run_file)) throw Error(run_file.string(), "--resume", "no such run");
    run = LoadJsonFile(run_file);
    o = TrainOptions::FromJson(run.at("config"), run_file.string());
    if (!std::filesystem::exists(dir / "last.ckpt")) {
      throw Error((dir / "last.ckpt").string(), "--resume", "the run has no checkpoint yet; start it again");
    }
    if (run.value("status", "") == "completed") {
      throw Error(run_file.string(), "--resume", "the run is already completed");
    }
  } else {
    if (o.name.empty()) o.name = CompactTimestamp();
    o.Check();
    dir = RunDirectory(project, o.name);
    if (dp.rank0() && std::filesystem::exists(dir)) {
      throw Error(dir.string(), "--name", "a run with this name exists (use --resume " + o.name + " or another --name)");
    }
  }
  if (o.threads > 0) torch::set_num_threads(o.threads);
  TrainDataset data(project, o);

  // Initialisation is the only use of torch's RNG: seeding here makes a run reproducible, and
  // a resumed run overwrites the parameters from the checkpoint anyway.
  torch::manual_seed(o.seed);
  GabrilCnn model(o.Channels(), o.input_height, o.input_width, data.num_actions());
  model->Initialise();
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(o.lr));
  LoopState st;
  const auto metrics_file = dir / "metrics.jsonl";
  if (!resume.empty()) {
    LoadCheckpoint(dir / "last.ckpt", model, opt, &st);
    // Drop metric records of epochs the checkpoint does not include (a kill between the
    // metrics append and the checkpoint rename), so every epoch is listed once.
    if (dp.rank0() && std::filesystem::exists(metrics_file)) {
      std::ifstream in(metrics_file);
      std::string line, kept;
      while (std::getline(in, line)) {
        if (line.empty()) continue;
        const Json j = ParseJsonText(line, metrics_file.string());
        if (j.value("epoch", 0) <= st.epoch) kept += line + "\n";
      }
      WriteFileAtomic(metrics_file, kept);
    }
  } else {
    if (dp.rank0()) std::filesystem::create_directories(dir);
    run = {{"name", o.name},
           {"project", std::filesystem::absolute(project).string()},
           {"config", o.ToJson()},
           {"dataset", data.Fingerprint()},
           {"split", data.SplitJson()},
           {"samples", {{"train", data.train_samples().size()}, {"validation", data.val_samples().size()}}},
           {"model", {{"name", o.model}, {"parameters", CountParameters(model)},
                      {"feature_shape", {64, GabrilFeatureSize(o.input_height, o.input_width).first,
                                         GabrilFeatureSize(o.input_height, o.input_width).second}}}},
           {"action_names", data.action_names()},
           {"baseline", {{"val_bc_mean_action", data.MeanActionValidationMse() >= 0
                                                      ? Json(data.MeanActionValidationMse()) : Json(nullptr)}}},
           {"code_version", "autofocus 0.1.0"},
           {"torch_version", TORCH_VERSION},
           {"created", NowIso8601()},
           {"sessions", Json::array()}};
  }
  dp.BroadcastParameters(*model);  // dist: every rank starts from rank 0's parameters
  run["status"] = "running";
  run["updated"] = NowIso8601();
  run["sessions"].push_back({{"started", NowIso8601()}, {"resumed_at_epoch", st.epoch},
                             {"resumed_at_step", st.global_step}, {"threads", torch::get_num_threads()},
                             {"distributed", dp.rendezvous().ToJson()}});
  if (dp.rank0()) SaveJsonFile(dir / "run.json", run);

  const int64_t steps_per_epoch =
      static_cast<int64_t>((data.train_samples().size() + static_cast<size_t>(o.batch) - 1) / static_cast<size_t>(o.batch));
  const int64_t total_steps = steps_per_epoch * o.epochs;
  const double lambda = o.Lambda();
  const int C = o.Channels(), H = o.input_height, W = o.input_width, A = data.num_actions();
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
    run["sessions"].back()["ended"] = NowIso8601();
    run["sessions"].back()["status"] = status;
    run["sessions"].back()["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dp.rank0()) SaveJsonFile(dir / "run.json", run);
    report.status = status;
    report.epochs_done = st.epoch;
    report.steps = st.global_step;
    report.last_loss = st.last_loss;
    report.best_val_bc = std::isfinite(st.best_val) ? st.best_val : -1;
    report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  };

  try {
    for (; st.epoch < o.epochs; ++st.epoch) {
      // StepLR computed from the epoch (not stepped), so a resume needs no scheduler state.
      const double lr = o.lr * std::pow(o.lr_gamma, st.epoch / o.lr_step);
      for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
      // The epoch's order depends only on (seed, epoch): a resume skips the batches it did.
      const auto order = SeededPermutation(data.train_samples().size(), HashMix(o.seed, "epoch", st.epoch));
      // dist: this rank's slice of every global batch (one process: the whole batch)
      ShardedBatchStream stream(dp, data, data.train_samples(), order, o.batch, o.data_workers,
                                static_cast<size_t>(st.step_in_epoch));
      const auto epoch_start = Clock::now();
      double wait = 0;
      double samples_this_session = 0;
      TrainBatch b;
      for (;;) {
        const auto w0 = Clock::now();
        if (!stream.Next(&b)) break;
        wait += std::chrono::duration<double>(Clock::now() - w0).count();
        auto obs = Blob(b.obs, {b.n, C, H, W});
        auto act = Blob(b.actions, {b.n, A});
        auto target = Blob(b.target, {b.n, H, W});
        auto mask = Blob(b.reg_mask, {b.n});
        opt.zero_grad();
        auto z = model->Encode(obs);
        auto bc = torch::mse_loss(model->Head(z), act);
        const double n_reg = mask.sum().item<double>();
        torch::Tensor reg = torch::zeros({}, torch::kFloat32);
        if (o.regularizer != "none" && n_reg > 0) {
          auto per = o.regularizer == "gabril_mse" ? GabrilMsePerSample(z, target, o.beta) : L1OutsidePerSample(z, target);
          // Averaged over the regularised samples only (the reference's fraction ablation).
          reg = (per * mask).sum() / n_reg;
        }
        // dist: global counts; this rank's part of the global batch's loss; summed gradients
        const StepShare share = dp.Share(b.n, n_reg);
        auto loss = dp.Loss(bc, lambda, reg, share);  // one process: bc + lambda * reg
        loss.backward();
        dp.AllReduceGradients(*model);
        if (o.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), o.grad_clip);
        opt.step();
        // dist: the global batch's values and any rank's stop request (one process: as is)
        const StepTotals totals = dp.Totals(share, loss, bc, reg, stop && stop());
        st.sum_loss += totals.loss * totals.samples;
        st.sum_bc += totals.bc * totals.samples;
        st.sum_reg += totals.reg * totals.regularised;
        st.n_seen += totals.samples;
        st.n_reg += totals.regularised;
        samples_this_session += totals.samples;
        ++st.step_in_epoch;
        ++st.global_step;
        if (progress && dp.rank0()) {
          Progress p;
          p.stage = "train";
          p.item = "epoch " + std::to_string(st.epoch + 1) + "/" + std::to_string(o.epochs) + " loss " +
                   std::to_string(st.sum_loss / st.n_seen);
          p.done = st.global_step;
          p.total = total_steps;
          const double el = std::chrono::duration<double>(Clock::now() - session_start).count();
          const int64_t done_here = st.global_step - session_first_step;
          p.eta_seconds = done_here > 0 ? el / static_cast<double>(done_here) * static_cast<double>(total_steps - st.global_step) : -1;
          progress(p);
        }
        if (totals.stop || (o.max_steps > 0 && st.global_step >= o.max_steps)) {
          if (dp.rank0()) SaveCheckpoint(dir / "last.ckpt", model, &opt, st);
          finish_session("stopped");
          return report;
        }
      }
      const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
      const double val = Validate(data, model, o.batch, o.data_workers, dp);
      Json rec = {{"epoch", st.epoch + 1},
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
      if (dp.rank0()) AppendFileDurable(metrics_file, rec.dump() + "\n");
      if (metrics_cb && dp.rank0()) metrics_cb(rec);
      st.last_loss = rec["loss"].get<double>();
      const double score = val >= 0 ? val : st.last_loss;  // no validation split: training loss
      if (score < st.best_val) {
        st.best_val = score;
        LoopState best = st;
        best.epoch = st.epoch + 1;
        best.step_in_epoch = 0;
        if (dp.rank0()) SaveCheckpoint(dir / "best.ckpt", model, nullptr, best);
        run["best_epoch"] = st.epoch + 1;
        run["best_metric"] = val >= 0 ? "val_bc" : "loss";
      }
      st.sum_loss = st.sum_bc = st.sum_reg = st.n_seen = st.n_reg = 0;
      st.step_in_epoch = 0;
      LoopState next = st;
      next.epoch = st.epoch + 1;
      if (dp.rank0()) SaveCheckpoint(dir / "last.ckpt", model, &opt, next);
      run["epochs_done"] = st.epoch + 1;
      run["steps"] = st.global_step;
      run["updated"] = NowIso8601();
      if (dp.rank0()) SaveJsonFile(dir / "run.json", run);
    }
    if (dp.rank0()) WritePolicy(dir, model, data, o.name);
    run["finished"] = NowIso8601();
    finish_session("completed");
  } catch (const Cancelled&) {
    if (dp.rank0()) SaveCheckpoint(dir / "last.ckpt", model, &opt, st);
    finish_session("stopped");
  } catch (const std::exception& e) {
    run["error"] = e.what();
    finish_session("failed");
    throw;
  }
  return report;
}

}  // namespace autofocus
