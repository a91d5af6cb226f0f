#pragma once

// Data-parallel training across processes with LibTorch's c10d ProcessGroupGloo (issue 10,
// section 5; docs/training.md "Multi-process runs"). The training loop calls a handful of hooks
// of DataParallel; with one process every hook is the identity, so a single-process run computes
// exactly what it computed before.

#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/json_io.h"
#include "core/train/train_data.h"

namespace autofocus {

// MASTER_PORT when the environment names none (torchrun's default too).
constexpr int kDefaultMasterPort = 29500;
// Seconds to wait for the rendezvous and for each collective unless AUTOFOCUS_DIST_TIMEOUT says.
constexpr double kDefaultDistTimeoutSeconds = 600;

// Where and as what this process joins a data-parallel run (read from the environment).
struct Rendezvous {
  std::string source = "none";  // "none" (one process), "torchrun" or "slurm"
  int rank = 0;                 // this process, 0 .. world_size - 1
  int world_size = 1;           // processes in the run
  int local_rank = 0;           // process index on this node (LOCAL_RANK / SLURM_LOCALID)
  std::string master_addr;      // host of rank 0, which serves the TCPStore
  int master_port = 0;          // the TCPStore's port
  std::string ifname;           // GLOO_SOCKET_IFNAME: interface(s) Gloo binds, comma-separated
  double timeout_seconds = kDefaultDistTimeoutSeconds;  // rendezvous and per-collective timeout

  // Several processes (world_size > 1).
  bool multi() const { return world_size > 1; }
  // {"rendezvous","world_size","rank",...} as run.json records it.
  Json ToJson() const;
};

// Looks up one environment variable (nullopt when unset).
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The rendezvous named by the environment: AUTOFOCUS_DIST=off (or --dist off) means one
// process; else torchrun's RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (LOCAL_RANK optional)
// when RANK or WORLD_SIZE is set, else Slurm's SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID with
// the first host of SLURM_JOB_NODELIST as master (MASTER_ADDR/MASTER_PORT override; the port
// defaults to kDefaultMasterPort); else one process. GLOO_SOCKET_IFNAME and
// AUTOFOCUS_DIST_TIMEOUT (seconds) are read too. Throws Error naming the variable and the reason
// for a malformed or incomplete set.
Rendezvous RendezvousFromEnvironment(const EnvLookup& env);
// The same from the process environment.
Rendezvous RendezvousFromEnvironment();

// Expands a Slurm hostlist such as "node[01-04,07],login1" into host names in order
// ("node01", ..., "node07", "login1"): comma-separated items, each with zero or more bracket
// groups of numbers and ranges (zero padding kept; several groups multiply out). The reference
// is `scontrol show hostnames LIST`. Throws Error("", "SLURM_JOB_NODELIST", ...) when malformed.
std::vector<std::string> ExpandSlurmHostlist(const std::string& list);

// Rank `rank`'s contiguous slice [first, second) of a global batch of `batch_samples` samples
// split over `world_size` ranks: [floor(r n / W), floor((r + 1) n / W)).
std::pair<size_t, size_t> ShardSlice(size_t batch_samples, int rank, int world_size);

// One optimiser step's sample counts summed over every rank.
struct StepShare {
  double samples = 0;                               // samples of the global batch
  double regularised = 0;                           // of them, the ones the regulariser sees
  double local_samples = 0, local_regularised = 0;  // this rank's part
};

// The step's losses over the whole global batch (what one process would have reported) and
// whether any rank asked to stop.
struct StepTotals {
  double loss = 0;         // loss of the global batch
  double bc = 0;           // BC loss (mean over the global batch)
  double reg = 0;          // regulariser (mean over the regularised samples; 0 when none)
  double samples = 0;      // samples of the global batch
  double regularised = 0;  // regularised samples of the global batch
  bool stop = false;       // a stop was requested on at least one rank
};

// Membership of one data-parallel run. With one process there is no process group and every
// hook returns its input; with several, the constructor joins the Gloo group (TCPStore
// rendezvous) and the hooks run collectives that every rank calls in the same order.
class DataParallel {
 public:
  // Joins the run `r` names (blocks until every rank has joined; Error after r.timeout_seconds
  // naming MASTER_ADDR/MASTER_PORT, or when this build has no Gloo).
  explicit DataParallel(const Rendezvous& r);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  // Several processes take part.
  bool active() const { return rendezvous_.multi(); }
  // This process writes the run folder (rank 0, or the only process).
  bool rank0() const { return rendezvous_.rank == 0; }
  int rank() const { return rendezvous_.rank; }
  int world_size() const { return rendezvous_.world_size; }
  const Rendezvous& rendezvous() const { return rendezvous_; }

  // Overwrites every parameter and buffer with rank 0's (one flattened broadcast).
  void BroadcastParameters(torch::nn::Module& module);
  // Sums this rank's sample counts over every rank (one small all-reduce).
  StepShare Share(int64_t samples, double regularised);
  // This rank's part of the global batch's loss bc + lambda * reg, where `bc` is the MSE over
  // this rank's samples and `reg` the regulariser averaged over its regularised samples: the
  // parts of all ranks sum to the loss of the whole batch, so their gradients sum to its
  // gradient. One process: bc + lambda * reg unchanged.
  torch::Tensor Loss(const torch::Tensor& bc, double lambda, const torch::Tensor& reg,
                     const StepShare& share) const;
  // Sums every gradient over the ranks (one flattened float buffer, ReduceOp SUM: the losses are
  // already normalised by the global counts, so no division follows).
  void AllReduceGradients(torch::nn::Module& module);
  // The step's totals over every rank for the metrics, and the OR of every rank's stop request
  // (one small all-reduce; one process: this batch's values and `stop_here`).
  StepTotals Totals(const StepShare& share, const torch::Tensor& loss, const torch::Tensor& bc,
                    const torch::Tensor& reg, bool stop_here);
  // Sums values over the ranks (one all-reduce in double; one process: unchanged).
  std::vector<double> Sum(std::vector<double> values);

 private:
  struct Impl;
  Rendezvous rendezvous_;
  std::unique_ptr<Impl> impl_;
};

// The batches of one pass as this rank sees them: rank r of W takes the contiguous slice
// [floor(r n / W), floor((r + 1) n / W)) of every global batch of n samples (possibly empty for
// the last, short batch). With one process it is exactly BatchStream.
class ShardedBatchStream {
 public:
  // Same arguments as BatchStream; `batch` is the global batch. Error when batch < world size.
  // Augmentation depends on (seed, episode, frame) only, so a slice is augmented as the whole
  // batch would be.
  ShardedBatchStream(const DataParallel& dp, const TrainDataset& data,
                     const std::vector<TrainSample>& samples, std::vector<size_t> order, int batch,
                     int workers, size_t first_batch = 0, uint64_t augment_seed = 0);
  ~ShardedBatchStream();
  // This rank's slice of the next global batch (n may be 0); false at the end of the pass.
  bool Next(TrainBatch* out);

 private:
  std::unique_ptr<BatchStream> stream_;
  std::vector<size_t> slice_sizes_;  // per global batch, this rank's sample count (multi only)
  size_t next_ = 0;                  // next global batch
};

}  // namespace autofocus
