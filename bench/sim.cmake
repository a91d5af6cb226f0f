# Sample-world renderer throughput (frames/s at 320x180) against same-run baselines.
autofocus_add_benchmark(bench_sim SRCS ${CMAKE_CURRENT_SOURCE_DIR}/sim_bench.cpp DEPS autofocus_sim
  opencv_imgcodecs)
