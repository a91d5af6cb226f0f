// The floor for `bench_startup`: does nothing, but is linked (with --no-as-needed) against the
// shared libraries the CLI still needs at start-up (OpenCV core/imgproc, HDF5, libcurl,
// libcrypto), so the benchmark can tell the CLI's own start-up from the loader's.
int main() {
  return 0;
}
