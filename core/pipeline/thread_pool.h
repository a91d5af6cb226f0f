#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace autofocus {

// A fixed-size pool of worker threads running queued tasks in FIFO order. Used for the
// I/O-bound model calls of the pipeline, where many requests must be in flight at once.
class ThreadPool {
 public:
  // Starts `threads` workers (at least one).
  explicit ThreadPool(size_t threads);
  // Finishes queued tasks, then joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues a task; exceptions must be caught inside the task.
  void Submit(std::function<void()> task);
  // Number of workers.
  size_t size() const { return workers_.size(); }

 private:
  void Work();
  std::mutex mu_;
  std::condition_variable cv_;
  std::queue<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Runs fn(i) for i in [0, n) on `pool` and waits for all of them. The first exception thrown by
// any fn is rethrown after every started task has finished (so no task outlives its data).
void ParallelFor(ThreadPool& pool, size_t n, const std::function<void(size_t)>& fn);

}  // namespace autofocus
