#pragma once

#include <cstdint>
#include <string_view>

namespace autofocus::sim {

// A small, platform-independent random generator (SplitMix64). The standard library's
// distributions are implementation-defined, so the sample world draws everything from this to
// keep "same seed, same bytes" across compilers.
class SimRng {
 public:
  // Seeds the generator; any value (including 0) is fine.
  explicit SimRng(uint64_t seed) : state_(seed) {}
  // The next raw 64-bit value.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n) (n > 0).
  int Int(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  // True with probability p.
  bool Chance(double p) { return Uniform() < p; }
  // -1 or +1 with equal probability.
  double Sign() { return (Next() & 1u) ? 1.0 : -1.0; }

 private:
  uint64_t state_;
};

// Combines two seeds into one (order matters).
inline uint64_t MixSeed(uint64_t a, uint64_t b) {
  SimRng r(a ^ (b * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull));
  return r.Next();
}

// FNV-1a 64-bit hash of a string, to fold names into seeds.
inline uint64_t HashName(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ull;
  }
  return h;
}

}  // namespace autofocus::sim
