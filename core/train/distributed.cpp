// Data-parallel training with c10d ProcessGroupGloo and a TCPStore rendezvous (distributed.h).
// Gloo's header is empty unless USE_C10D_GLOO is defined (linking torch through CMake defines it)
// and it includes the gloo headers of libgloo-dev; without either, this file still builds and a
// multi-process run fails with a message saying so.
#include "core/train/distributed.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>

#include "core/base/error.h"
#include "core/base/strings.h"

#if defined(USE_C10D_GLOO) && __has_include(<gloo/algorithm.h>)
#define AUTOFOCUS_HAVE_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace autofocus {
namespace {

// Strict decimal integer (the whole text, no sign games): what a launcher writes.
bool ParseInt(const std::string& text, long long* out) {
  if (text.empty()) return false;
  size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return false;
  for (size_t k = i; k < text.size(); ++k) {
    if (text[k] < '0' || text[k] > '9') return false;
  }
  if (text.size() > 18) return false;
  *out = std::stoll(text);
  return true;
}

int IntVar(const EnvLookup& env, const std::string& name, long long lo, long long hi,
           const std::string& range) {
  const auto v = env(name);
  long long n = 0;
  if (!v || !ParseInt(Trim(*v), &n) || n < lo || n > hi) {
    throw Error("", name, "expected " + range + ", got \"" + v.value_or("") + "\"");
  }
  return static_cast<int>(n);
}

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && Trim(*v).empty()) return std::nullopt;  // an exported-but-empty variable counts as unset
  if (v) return Trim(*v);
  return v;
}

// Splits a hostlist at the commas outside brackets.
std::vector<std::string> TopLevelItems(const std::string& list) {
  std::vector<std::string> items;
  std::string cur;
  int depth = 0;
  for (char c : list) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth < 0 || depth > 1)
      throw Error("", "SLURM_JOB_NODELIST", "unbalanced brackets in \"" + list + "\"");
    if (c == ',' && depth == 0) {
      items.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) throw Error("", "SLURM_JOB_NODELIST", "unbalanced brackets in \"" + list + "\"");
  items.push_back(cur);
  return items;
}

// "01-03,7" -> {"01", "02", "03", "7"}: the width of a range's lower bound is kept (Slurm's rule).
std::vector<std::string> ExpandRanges(const std::string& spec, const std::string& list) {
  std::vector<std::string> out;
  for (const std::string& part : Split(spec, ',')) {
    const auto dash = part.find('-');
    const std::string a = part.substr(0, dash);
    const std::string b = dash == std::string::npos ? a : part.substr(dash + 1);
    long long lo = 0, hi = 0;
    if (!ParseInt(a, &lo) || !ParseInt(b, &hi) || lo < 0 || hi < lo || hi - lo > 1000000) {
      throw Error("", "SLURM_JOB_NODELIST", "bad range \"" + part + "\" in \"" + list + "\"");
    }
    for (long long k = lo; k <= hi; ++k) {
      std::string s = std::to_string(k);
      if (s.size() < a.size()) s.insert(0, a.size() - s.size(), '0');
      out.push_back(s);
    }
  }
  return out;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

std::string Message(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

std::string Seconds(double s) {
  std::string t = std::to_string(s);
  t.erase(t.find_last_not_of('0') + 1);
  if (!t.empty() && t.back() == '.') t.pop_back();
  return t + " s";
}

// Calls fn on every group of same-dtype tensors flattened into one contiguous buffer, then copies
// the buffer back: a Gloo collective wants one tensor, not a list of differently shaped ones.
template <typename Fn>
void Flattened(const std::vector<at::Tensor>& tensors, Fn fn) {
  std::map<at::ScalarType, std::vector<at::Tensor>> groups;
  for (const auto& t : tensors) groups[t.scalar_type()].push_back(t);
  for (auto& [type, group] : groups) {
    std::vector<at::Tensor> flat;
    flat.reserve(group.size());
    for (const auto& t : group) flat.push_back(t.reshape({-1}));
    at::Tensor buffer = at::cat(flat).contiguous();
    fn(buffer);
    int64_t offset = 0;
    for (auto& t : group) {
      t.copy_(buffer.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

}  // namespace

Json Rendezvous::ToJson() const {
  Json j = {{"rendezvous", source}, {"world_size", world_size}, {"rank", rank}};
  if (multi()) {
    j["local_rank"] = local_rank;
    j["master_addr"] = master_addr;
    j["master_port"] = master_port;
    j["gloo_socket_ifname"] = ifname.empty() ? Json(nullptr) : Json(ifname);
    j["timeout_seconds"] = timeout_seconds;
  }
  return j;
}

Rendezvous RendezvousFromEnvironment(const EnvLookup& env) {
  Rendezvous r;
  const std::string mode = NonEmpty(env, "AUTOFOCUS_DIST").value_or("auto");
  if (mode == "off") return r;
  if (mode != "auto")
    throw Error("", "AUTOFOCUS_DIST", "expected auto or off, got \"" + mode + "\"");
  if (const auto t = NonEmpty(env, "AUTOFOCUS_DIST_TIMEOUT")) {
    char* end = nullptr;
    const double s = std::strtod(t->c_str(), &end);
    if (end == t->c_str() || *end != '\0' || !(s > 0) || !std::isfinite(s)) {
      throw Error("", "AUTOFOCUS_DIST_TIMEOUT",
                  "expected a positive number of seconds, got \"" + *t + "\"");
    }
    r.timeout_seconds = s;
  }
  r.ifname = NonEmpty(env, "GLOO_SOCKET_IFNAME").value_or("");
  const bool torchrun = NonEmpty(env, "RANK") || NonEmpty(env, "WORLD_SIZE");
  const bool slurm = NonEmpty(env, "SLURM_PROCID") || NonEmpty(env, "SLURM_NTASKS");
  if (torchrun) {
    // torchrun's variables win over Slurm's: a launcher inside an allocation sets them on purpose.
    for (const char* name : {"RANK", "WORLD_SIZE"}) {
      if (!NonEmpty(env, name)) {
        throw Error("", name,
                    "not set, but RANK or WORLD_SIZE is: a torchrun-style launch needs both");
      }
    }
    r.source = "torchrun";
    r.world_size = IntVar(env, "WORLD_SIZE", 1, 65536, "a process count >= 1");
    r.rank = IntVar(env, "RANK", 0, r.world_size - 1,
                    "an integer 0.." + std::to_string(r.world_size - 1));
    if (NonEmpty(env, "LOCAL_RANK"))
      r.local_rank = IntVar(env, "LOCAL_RANK", 0, 65535, "an integer >= 0");
    if (r.multi()) {
      const auto addr = NonEmpty(env, "MASTER_ADDR");
      if (!addr) throw Error("", "MASTER_ADDR", "not set: a multi-process run needs rank 0's host");
      r.master_addr = *addr;
    }
  } else if (slurm) {
    for (const char* name : {"SLURM_PROCID", "SLURM_NTASKS"}) {
      if (!NonEmpty(env, name))
        throw Error("", name, "not set, but another SLURM_ task variable is");
    }
    r.source = "slurm";
    r.world_size = IntVar(env, "SLURM_NTASKS", 1, 65536, "a task count >= 1");
    r.rank = IntVar(env, "SLURM_PROCID", 0, r.world_size - 1,
                    "an integer 0.." + std::to_string(r.world_size - 1));
    if (NonEmpty(env, "SLURM_LOCALID"))
      r.local_rank = IntVar(env, "SLURM_LOCALID", 0, 65535, "an integer >= 0");
    if (r.multi()) {
      if (const auto addr = NonEmpty(env, "MASTER_ADDR")) {
        r.master_addr = *addr;
      } else {
        auto list = NonEmpty(env, "SLURM_JOB_NODELIST");
        if (!list) list = NonEmpty(env, "SLURM_NODELIST");
        if (!list)
          throw Error("", "SLURM_JOB_NODELIST",
                      "not set (and no MASTER_ADDR): cannot tell rank 0's host");
        r.master_addr = ExpandSlurmHostlist(*list).front();
      }
    }
  } else {
    return r;
  }
  if (r.multi()) {
    r.master_port = NonEmpty(env, "MASTER_PORT")
                        ? IntVar(env, "MASTER_PORT", 1, 65535, "a TCP port 1..65535")
                        : kDefaultMasterPort;
  }
  return r;
}

Rendezvous RendezvousFromEnvironment() {
  return RendezvousFromEnvironment([](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  });
}

std::vector<std::string> ExpandSlurmHostlist(const std::string& list) {
  std::vector<std::string> hosts;
  for (const std::string& raw : TopLevelItems(list)) {
    const std::string item = Trim(raw);
    if (item.empty()) continue;
    // Each bracket group multiplies the names so far: "r[1-2]n[1-2]" -> r1n1 r1n2 r2n1 r2n2.
    std::vector<std::string> names = {""};
    size_t i = 0;
    while (i < item.size()) {
      const size_t open = item.find('[', i);
      const std::string literal =
          item.substr(i, open == std::string::npos ? std::string::npos : open - i);
      for (auto& n : names) n += literal;
      if (open == std::string::npos) break;
      const size_t close = item.find(']', open);
      const auto numbers = ExpandRanges(item.substr(open + 1, close - open - 1), list);
      std::vector<std::string> next;
      for (const auto& n : names) {
        for (const auto& k : numbers) next.push_back(n + k);
      }
      names = std::move(next);
      i = close + 1;
    }
    hosts.insert(hosts.end(), names.begin(), names.end());
  }
  if (hosts.empty()) throw Error("", "SLURM_JOB_NODELIST", "no host in \"" + list + "\"");
  return hosts;
}

std::pair<size_t, size_t> ShardSlice(size_t batch_samples, int rank, int world_size) {
  const size_t w = static_cast<size_t>(world_size), r = static_cast<size_t>(rank);
  return {r * batch_samples / w, (r + 1) * batch_samples / w};
}

#ifdef AUTOFOCUS_HAVE_GLOO

struct DataParallel::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  std::string who;  // "rank R of W" for messages

  // Runs one collective; a failure names it and points at the other ranks' output, because a
  // peer that failed or exited is the usual cause ("Connection closed by peer").
  void Wait(const char* what, const c10::intrusive_ptr<c10d::Work>& work) {
    try {
      work->wait();
    } catch (const std::exception& e) {
      throw Error("", "distributed",
                  std::string(what) + " failed on " + who + ": " + Message(e) +
                      " (another rank failed, exited or timed out: see its output)");
    }
  }
  void AllReduce(const char* what, at::Tensor& t) {
    std::vector<at::Tensor> v = {t};
    c10::intrusive_ptr<c10d::Work> work;
    try {
      work = group->allreduce(v);
    } catch (const std::exception& e) {
      throw Error("", "distributed", std::string(what) + " failed on " + who + ": " + Message(e));
    }
    Wait(what, work);
  }
};

DataParallel::DataParallel(const Rendezvous& r) : rendezvous_(r) {
  if (!r.multi()) return;
  impl_ = std::make_unique<Impl>();
  impl_->who = "rank " + std::to_string(r.rank) + " of " + std::to_string(r.world_size);
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(r.timeout_seconds * 1000));
  const std::string at = r.master_addr + ":" + std::to_string(r.master_port);
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(r.master_port);
    so.isServer = r.rank == 0;  // rank 0 serves the store (on every address) and waits for all
    so.numWorkers = static_cast<size_t>(r.world_size);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(r.master_addr, so);
  } catch (const std::exception& e) {
    const std::string why = r.rank == 0
                                ? "rank 0 could not serve the rendezvous on port " +
                                      std::to_string(r.master_port) + " or the other " +
                                      std::to_string(r.world_size - 1) +
                                      " rank(s) did not join within " + Seconds(r.timeout_seconds)
                                : impl_->who + " could not reach rank 0's rendezvous at " + at +
                                      " within " + Seconds(r.timeout_seconds);
    throw Error(
        "", "MASTER_ADDR",
        why + " (MASTER_ADDR/MASTER_PORT, timeout: AUTOFOCUS_DIST_TIMEOUT or --dist-timeout): " +
            Message(e));
  }
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  try {
    if (!r.ifname.empty()) {
      for (const auto& name : Split(r.ifname, ',')) {
        if (!Trim(name).empty())
          devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(Trim(name)));
      }
    } else if (IsLoopback(r.master_addr)) {
      // A loopback master means every rank is on this machine: bind where the others can reach.
      devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    } else {
      devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
  } catch (const std::exception& e) {
    throw Error("", "GLOO_SOCKET_IFNAME",
                "cannot create a Gloo device" +
                    (r.ifname.empty() ? std::string() : " on \"" + r.ifname + "\"") + ": " +
                    Message(e));
  }
  try {
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices = devices;
    options->threads = static_cast<int>(devices.size()) * 2;
    impl_->group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, r.rank, r.world_size, options);
  } catch (const std::exception& e) {
    const std::string why = r.rank == 0
                                ? "rank 0: the other " + std::to_string(r.world_size - 1) +
                                      " rank(s) did not join or could not be reached within "
                                : impl_->who + " could not connect to every other rank within ";
    throw Error(
        "", "distributed",
        why + Seconds(r.timeout_seconds) +
            " (AUTOFOCUS_DIST_TIMEOUT; GLOO_SOCKET_IFNAME picks the interface): " + Message(e));
  }
}

void DataParallel::BroadcastParameters(torch::nn::Module& module) {
  if (!active()) return;
  torch::NoGradGuard guard;
  std::vector<at::Tensor> all;
  for (const auto& p : module.parameters()) all.push_back(p);
  for (const auto& b : module.buffers()) all.push_back(b);
  Flattened(all, [&](at::Tensor& buffer) {
    std::vector<at::Tensor> v = {buffer};
    impl_->Wait("broadcasting rank 0's parameters", impl_->group->broadcast(v));
  });
}

void DataParallel::AllReduceGradients(torch::nn::Module& module) {
  if (!active()) return;
  torch::NoGradGuard guard;
  std::vector<at::Tensor> grads;
  for (auto& p : module.parameters()) {
    if (!p.requires_grad()) continue;
    // A parameter no loss reached on this rank still has to take part (as zeros).
    if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
    grads.push_back(p.grad());
  }
  Flattened(grads,
            [&](at::Tensor& buffer) { impl_->AllReduce("all-reducing the gradients", buffer); });
}

std::vector<double> DataParallel::Sum(std::vector<double> values) {
  if (!active() || values.empty()) return values;
  at::Tensor t =
      at::from_blob(values.data(), {static_cast<int64_t>(values.size())}, at::kDouble).clone();
  impl_->AllReduce("summing step values", t);
  std::copy(t.data_ptr<double>(), t.data_ptr<double>() + t.numel(), values.begin());
  return values;
}

#else  // no Gloo in this build

struct DataParallel::Impl {};

DataParallel::DataParallel(const Rendezvous& r) : rendezvous_(r) {
  if (r.multi()) {
    throw Error(
        "", r.source == "slurm" ? "SLURM_NTASKS" : "WORLD_SIZE",
        "a multi-process run needs c10d Gloo, which this build lacks (install libgloo-dev and "
        "rebuild against a LibTorch with USE_C10D_GLOO), or set AUTOFOCUS_DIST=off");
  }
}
void DataParallel::BroadcastParameters(torch::nn::Module&) {}
void DataParallel::AllReduceGradients(torch::nn::Module&) {}
std::vector<double> DataParallel::Sum(std::vector<double> values) {
  return values;
}

#endif

DataParallel::~DataParallel() = default;

StepShare DataParallel::Share(int64_t samples, double regularised) {
  StepShare s;
  s.local_samples = static_cast<double>(samples);
  s.local_regularised = regularised;
  const auto total = Sum({s.local_samples, s.local_regularised});
  s.samples = total[0];
  s.regularised = total[1];
  return s;
}

torch::Tensor DataParallel::Loss(const torch::Tensor& bc, double lambda, const torch::Tensor& reg,
                                 const StepShare& share) const {
  if (!active()) return bc + lambda * reg;
  // An empty slice (the last, short batch) has a NaN mean; its part is zero but keeps the graph
  // so backward() still runs and yields the zero gradients the all-reduce expects.
  if (share.local_samples == 0) return bc.nan_to_num(0.0) * 0.0;
  torch::Tensor part = bc * (share.local_samples / share.samples);
  if (share.local_regularised > 0)
    part = part + reg * (lambda * share.local_regularised / share.regularised);
  return part;
}

StepTotals DataParallel::Totals(const StepShare& share, const torch::Tensor& loss,
                                const torch::Tensor& bc, const torch::Tensor& reg, bool stop_here) {
  StepTotals t;
  t.samples = share.samples;
  t.regularised = share.regularised;
  if (!active()) {
    t.loss = loss.item<double>();
    t.bc = bc.item<double>();
    t.reg = reg.item<double>();
    t.stop = stop_here;
    return t;
  }
  const double n = share.local_samples, nr = share.local_regularised;
  const auto sum = Sum({loss.item<double>(), n > 0 ? bc.item<double>() * n : 0.0,
                        nr > 0 ? reg.item<double>() * nr : 0.0, stop_here ? 1.0 : 0.0});
  t.loss = sum[0];
  t.bc = t.samples > 0 ? sum[1] / t.samples : 0.0;
  t.reg = t.regularised > 0 ? sum[2] / t.regularised : 0.0;
  t.stop = sum[3] > 0;
  return t;
}

ShardedBatchStream::ShardedBatchStream(const DataParallel& dp, const TrainDataset& data,
                                       const std::vector<TrainSample>& samples,
                                       std::vector<size_t> order, int batch, int workers,
                                       size_t first_batch, uint64_t augment_seed) {
  if (!dp.active()) {
    stream_ = std::make_unique<BatchStream>(data, samples, std::move(order), batch, workers,
                                            first_batch, 2, augment_seed);
    return;
  }
  if (batch < dp.world_size()) {
    throw Error("", "batch",
                "the global batch (" + std::to_string(batch) + ") is smaller than the " +
                    std::to_string(dp.world_size()) +
                    " processes: every rank needs a sample per step");
  }
  const size_t n = order.empty() ? samples.size() : order.size();
  const size_t b = static_cast<size_t>(batch);
  std::vector<size_t> local;
  size_t skip = 0, widest = 1;
  for (size_t k = 0; k * b < n; ++k) {
    const size_t start = k * b, count = std::min(b, n - start);
    const auto [lo, hi] = ShardSlice(count, dp.rank(), dp.world_size());
    for (size_t i = start + lo; i < start + hi; ++i) local.push_back(order.empty() ? i : order[i]);
    slice_sizes_.push_back(hi - lo);
    if (k < first_batch) skip += hi - lo;
    widest = std::max(widest, hi - lo);
  }
  next_ = std::min(first_batch, slice_sizes_.size());
  // One sample per underlying batch so slices of any size come out of the same ordered stream;
  // `depth` keeps the read-ahead at two slices, as BatchStream's two batches.
  if (!local.empty()) {
    stream_ = std::make_unique<BatchStream>(data, samples, std::move(local), 1, workers, skip,
                                            2 * widest, augment_seed);
  }
}

ShardedBatchStream::~ShardedBatchStream() = default;

bool ShardedBatchStream::Next(TrainBatch* out) {
  if (slice_sizes_.empty()) return stream_ ? stream_->Next(out) : false;
  if (next_ >= slice_sizes_.size()) return false;
  const size_t count = slice_sizes_[next_++];
  out->n = 0;
  out->obs.clear();
  out->actions.clear();
  out->target.clear();
  out->reg_mask.clear();
  out->state.clear();
  TrainBatch one;
  for (size_t i = 0; i < count; ++i) {
    if (!stream_->Next(&one))
      throw Error("", "distributed", "the sample stream ended early (internal error)");
    out->obs.insert(out->obs.end(), one.obs.begin(), one.obs.end());
    out->actions.insert(out->actions.end(), one.actions.begin(), one.actions.end());
    out->target.insert(out->target.end(), one.target.begin(), one.target.end());
    out->reg_mask.insert(out->reg_mask.end(), one.reg_mask.begin(), one.reg_mask.end());
    out->state.insert(out->state.end(), one.state.begin(), one.state.end());
    out->n += one.n;
  }
  return true;
}

}  // namespace autofocus
