#include "core/saliency/saliency_renderer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "core/base/error.h"

namespace autofocus {
namespace saliency_internal {

// GCC vector extensions: explicit 8-lane code that compiles to AVX2 in the x86-64-v3 clone
// and to pairs of SSE registers in the default clone, without depending on auto-vectorisation.
typedef float V8f __attribute__((vector_size(32)));
typedef int32_t V8i __attribute__((vector_size(32)));
typedef float V8fUnaligned __attribute__((vector_size(32), aligned(4)));

constexpr int kLanes = 8;
constexpr int kBlock = 64;  // columns per accumulator block: 8 registers of 8 lanes
// Factors below exp(-kFlush) are set to 0: a product of two surviving factors stays a normal
// float (>= exp(-82) > FLT_MIN), so the hot loop never touches denormals, which are ~100x
// slower, while the dropped mass (< 2e-18 per term against a frame maximum >= 1) is far below
// the 1e-4 accuracy goal.
constexpr float kFlush = 41.f;

// exp(x) for x <= 0 with ~1 ulp error (Cephes expf polynomial); x < -kFlush gives exactly 0.
// In place through a reference: clang rejects passing a 32-byte vector by value into the
// baseline (non-AVX) clone below ("changes the ABI"); after inlining the code is the same.
inline __attribute__((always_inline)) void ExpNonPositive(V8f& v) {
  V8f x = v;
  const V8i flushed = x < -kFlush;
  x = x < -87.f ? V8f{} - 87.f : x;
  const V8f n = ((x * 1.44269504088896341f) + 12582912.f) - 12582912.f;  // round to nearest
  V8f r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V8f p = V8f{} + 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * (r * r) + r + 1.f;
  const V8i e = (__builtin_convertvector(n, V8i) + 127) << 23;
  const V8f result = p * (V8f)e;  // GCC vector cast = bit reinterpretation
  v = flushed ? V8f{} : result;
}

// The whole per-frame hot path, cloned for x86-64-v3 (AVX2 + FMA) and baseline x86-64 and
// dispatched once at load time, because the project must not be built with -march=native.
//   qx: n x pw log-factors along x (padding columns hold -inf), overwritten by their exp
//   qy: h x n log-factors along y (row y holds its n kernels), overwritten by their exp
//   out: h x w map; returns min/max before normalisation through mn/mx.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void AccumulateSeparable(
    float* qx, float* qy, int n, int w, int h, int pw, float* out, float* mn, float* mx) {
  for (int i = 0; i < n * pw; i += kLanes) {
    V8f* p = reinterpret_cast<V8f*>(qx + i);
    ExpNonPositive(*p);
  }
  const int ny = n * h;
  int i = 0;
  for (; i + kLanes <= ny; i += kLanes) {
    V8f v;  // qy + i is only float-aligned: memcpy is an unaligned load/store
    std::memcpy(&v, qy + i, sizeof(v));
    ExpNonPositive(v);
    std::memcpy(qy + i, &v, sizeof(v));
  }
  if (i < ny) {
    V8f tail{};
    std::memcpy(&tail, qy + i, sizeof(float) * (ny - i));
    ExpNonPositive(tail);
    std::memcpy(qy + i, &tail, sizeof(float) * (ny - i));
  }

  V8f vmin = V8f{} + 3.4e38f, vmax = V8f{} - 3.4e38f;
  float smin = 3.4e38f, smax = -3.4e38f;
  for (int y = 0; y < h; ++y) {
    const float* gy = qy + static_cast<size_t>(y) * n;
    float* row = out + static_cast<size_t>(y) * w;
    for (int xb = 0; xb < w; xb += kBlock) {
      V8f a0{}, a1{}, a2{}, a3{}, a4{}, a5{}, a6{}, a7{};
      for (int k = 0; k < n; ++k) {
        const float c = gy[k];
        if (c == 0.f) continue;  // this kernel is negligible on this row
        const V8f b = V8f{} + c;
        const V8f* g = reinterpret_cast<const V8f*>(qx + static_cast<size_t>(k) * pw + xb);
        a0 += b * g[0];
        a1 += b * g[1];
        a2 += b * g[2];
        a3 += b * g[3];
        a4 += b * g[4];
        a5 += b * g[5];
        a6 += b * g[6];
        a7 += b * g[7];
      }
      if (xb + kBlock <= w) {
        V8fUnaligned* o = reinterpret_cast<V8fUnaligned*>(row + xb);
        o[0] = a0, o[1] = a1, o[2] = a2, o[3] = a3, o[4] = a4, o[5] = a5, o[6] = a6, o[7] = a7;
        const V8f lo = a0 < a1 ? a0 : a1, lo2 = a2 < a3 ? a2 : a3, lo3 = a4 < a5 ? a4 : a5,
                  lo4 = a6 < a7 ? a6 : a7;
        const V8f hi = a0 > a1 ? a0 : a1, hi2 = a2 > a3 ? a2 : a3, hi3 = a4 > a5 ? a4 : a5,
                  hi4 = a6 > a7 ? a6 : a7;
        const V8f l = (lo < lo2 ? lo : lo2), l2 = (lo3 < lo4 ? lo3 : lo4);
        const V8f u = (hi > hi2 ? hi : hi2), u2 = (hi3 > hi4 ? hi3 : hi4);
        const V8f lm = l < l2 ? l : l2, um = u > u2 ? u : u2;
        vmin = vmin < lm ? vmin : lm;
        vmax = vmax > um ? vmax : um;
      } else {
        // The last, partial block: padding columns must not reach the map or its min/max.
        alignas(32) float tmp[kBlock];
        V8f* t = reinterpret_cast<V8f*>(tmp);
        t[0] = a0, t[1] = a1, t[2] = a2, t[3] = a3, t[4] = a4, t[5] = a5, t[6] = a6, t[7] = a7;
        for (int x = 0; x < w - xb; ++x) {
          row[xb + x] = tmp[x];
          smin = std::min(smin, tmp[x]);
          smax = std::max(smax, tmp[x]);
        }
      }
    }
  }
  for (int l = 0; l < kLanes; ++l) {
    smin = std::min(smin, vmin[l]);
    smax = std::max(smax, vmax[l]);
  }
  *mn = smin;
  *mx = smax;
}

// out = (out - mn) * scale over `count` values; cloned so the AVX2 version is used.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void Normalise(float* out, size_t count,
                                                                           float mn, float scale) {
  for (size_t i = 0; i < count; ++i) out[i] = (out[i] - mn) * scale;
}

}  // namespace saliency_internal

namespace {

using namespace saliency_internal;

// Maps below this relative range are treated as flat: float sums cannot resolve them, and
// min-max normalisation would only amplify rounding noise.
constexpr double kFlatRelativeRange = 1e-6;

float* Aligned(std::vector<float>& v, size_t count) {
  v.resize(count + kLanes);
  auto p = reinterpret_cast<uintptr_t>(v.data());
  p = (p + 31) & ~uintptr_t{31};
  return reinterpret_cast<float*>(p);
}

// Aspect ratio width/height used by the box kernel, clamped to [1/A, A]; a point (0 x 0) is
// round, a line (0 x h or w x 0) gets the extreme ratio.
double BoxAspect(const Box& b, double max_aspect) {
  const double w = static_cast<double>(b.x2) - b.x1, h = static_cast<double>(b.y2) - b.y1;
  if (w <= 0 && h <= 0) return 1.0;
  if (h <= 0) return max_aspect;
  if (w <= 0) return 1.0 / max_aspect;
  return std::clamp(w / h, 1.0 / max_aspect, max_aspect);
}

void FillEmpty(EmptyPolicy policy, float* out, size_t count) {
  std::fill(out, out + count, policy == EmptyPolicy::kUniform ? 1.f : 0.f);
}

}  // namespace

std::vector<SaliencyKernelSpec> CollectSaliencyKernels(const std::vector<std::vector<Box>>& frames,
                                                       size_t t, const SaliencyOptions& options,
                                                       int image_width, int image_height) {
  const double fx = static_cast<double>(options.OutputWidth(image_width)) / image_width;
  const double fy = static_cast<double>(options.OutputHeight(image_height)) / image_height;
  std::vector<SaliencyKernelSpec> kernels;
  const size_t window = static_cast<size_t>(options.window);
  for (size_t k = 0; k < window && k <= t; ++k) {
    const double sigma = options.SigmaAt(static_cast<int>(k), image_width);
    const double weight = std::pow(options.decay, static_cast<double>(k));
    for (const Box& b : frames[t - k]) {
      SaliencyKernelSpec s;
      s.cx = 0.5 * (static_cast<double>(b.x1) + b.x2) * fx;
      s.cy = 0.5 * (static_cast<double>(b.y1) + b.y2) * fy;
      double ax = 1.0;
      if (options.kernel == SaliencyKernel::kBox)
        ax = std::sqrt(BoxAspect(b, options.box_max_aspect));
      s.sx = sigma * ax * fx;
      s.sy = sigma / ax * fy;
      s.weight = weight;
      kernels.push_back(s);
    }
  }
  return kernels;
}

SaliencyRenderer::SaliencyRenderer(const SaliencyOptions& options, int image_width,
                                   int image_height)
    : options_(options), image_w_(image_width), image_h_(image_height) {
  options_.Check();
  if (image_width <= 0 || image_height <= 0) {
    throw Error("", "image size",
                "must be positive, got " + std::to_string(image_width) + " x " +
                    std::to_string(image_height));
  }
  out_w_ = options_.OutputWidth(image_w_);
  out_h_ = options_.OutputHeight(image_h_);
  padded_w_ = (out_w_ + kBlock - 1) / kBlock * kBlock;
}

void SaliencyRenderer::RenderFrame(const std::vector<std::vector<Box>>& frames, size_t t,
                                   float* out) {
  RenderKernels(CollectSaliencyKernels(frames, t, options_, image_w_, image_h_), out);
}

void SaliencyRenderer::RenderKernels(const std::vector<SaliencyKernelSpec>& kernels, float* out) {
  const int w = out_w_, h = out_h_, pw = padded_w_;
  if (kernels.empty()) return FillEmpty(options_.empty, out, frame_size());

  // Each kernel's 1-D factors are taken relative to their value at the pixel nearest to the
  // centre, and the kernel's weight relative to the strongest kernel (log domain). The
  // normalised map is unchanged by this common scale, but the frame maximum is now >= 1, so
  // centres far outside the image cannot underflow the whole map to 0.
  struct Prepared {
    double cx, cy, ix, iy, ox, oy, logpeak;
  };
  std::vector<Prepared> prep;
  prep.reserve(kernels.size());
  double log_max = -INFINITY;
  for (const auto& k : kernels) {
    Prepared p;
    p.cx = k.cx;
    p.cy = k.cy;
    p.ix = 1.0 / (2.0 * k.sx * k.sx);
    p.iy = 1.0 / (2.0 * k.sy * k.sy);
    const double nx = std::clamp(std::floor(k.cx), 0.0, w - 1.0) + 0.5 - k.cx;
    const double ny = std::clamp(std::floor(k.cy), 0.0, h - 1.0) + 0.5 - k.cy;
    p.ox = nx * nx * p.ix;
    p.oy = ny * ny * p.iy;
    p.logpeak = std::log(k.weight) - p.ox - p.oy;
    log_max = std::max(log_max, p.logpeak);
    prep.push_back(p);
  }
  // Kernels whose best pixel is below the flush level everywhere cannot change the map.
  prep.erase(std::remove_if(prep.begin(), prep.end(),
                            [&](const Prepared& p) { return p.logpeak - log_max < -kFlush; }),
             prep.end());
  const int n = static_cast<int>(prep.size());

  float* qx = Aligned(gx_, static_cast<size_t>(n) * pw);
  float* qy = Aligned(gy_, static_cast<size_t>(n) * h);
  for (int i = 0; i < n; ++i) {
    const Prepared& p = prep[i];
    float* row = qx + static_cast<size_t>(i) * pw;
    for (int x = 0; x < w; ++x) {
      const double d = x + 0.5 - p.cx;
      row[x] = static_cast<float>(p.ox - d * d * p.ix);
    }
    std::fill(row + w, row + pw, -INFINITY);
    const double rel = p.logpeak - log_max;
    for (int y = 0; y < h; ++y) {
      const double d = y + 0.5 - p.cy;
      qy[static_cast<size_t>(y) * n + i] = static_cast<float>(p.oy - d * d * p.iy + rel);
    }
  }
  float mn = 0, mx = 0;
  AccumulateSeparable(qx, qy, n, w, h, pw, out, &mn, &mx);
  if (static_cast<double>(mx) - mn <= kFlatRelativeRange * mx) {
    std::fill(out, out + frame_size(), 1.f);
    return;
  }
  Normalise(out, frame_size(), mn, static_cast<float>(1.0 / (static_cast<double>(mx) - mn)));
}

void RenderSaliencyEpisode(const SaliencyInput& input, const SaliencyOptions& options, float* out,
                           int threads, const ProgressCallback& progress, const StopCheck& stop) {
  options.Check();
  input.Validate();
  const size_t frames = input.frames.size();
  if (frames == 0) return;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), frames));

  const SaliencyRenderer probe(options, input.image_width, input.image_height);
  const size_t frame_size = probe.frame_size();
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> failed{false}, stopped{false};
  std::exception_ptr error;
  std::mutex error_mu;

  // Frames are independent, so workers pull the next index from a shared counter (dynamic
  // balance: frames with more objects cost more).
  auto work = [&] {
    try {
      SaliencyRenderer renderer(options, input.image_width, input.image_height);
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        if (stop && stop()) {
          stopped = true;
          failed = true;
          return;
        }
        const size_t t = next.fetch_add(1);
        if (t >= frames) return;
        renderer.RenderFrame(input.frames, t, out + t * frame_size);
        const size_t d = done.fetch_add(1) + 1;
        if (progress && (d % 64 == 0 || d == frames)) {
          progress(Progress{"saliency", "", static_cast<int64_t>(d), static_cast<int64_t>(frames)});
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  if (threads == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back(work);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
  if (stopped) throw Cancelled();
}

std::vector<float> RenderSaliencyEpisode(const SaliencyInput& input, const SaliencyOptions& options,
                                         int threads, const ProgressCallback& progress,
                                         const StopCheck& stop) {
  options.Check();
  const size_t frame_size = static_cast<size_t>(options.OutputWidth(input.image_width)) *
                            options.OutputHeight(input.image_height);
  std::vector<float> maps(frame_size * input.frames.size());
  RenderSaliencyEpisode(input, options, maps.data(), threads, progress, stop);
  return maps;
}

}  // namespace autofocus
