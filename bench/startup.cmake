# Start-up time of the `autofocus` CLI (issue "A CLI that starts instantly"): median wall time of
# `--help`, `info`, `track`, `saliency render` (and `validate`, which loads the image-I/O plugin)
# as child processes, against same-run baselines: /bin/true and `bench_startup_floor`, an empty
# C++ program with the shared libraries the CLI still links. Not part of ctest.
add_executable(bench_startup_floor ${CMAKE_CURRENT_LIST_DIR}/startup_floor.cpp)
# --no-as-needed keeps every library in DT_NEEDED although main() uses none of them.
target_link_options(bench_startup_floor PRIVATE LINKER:--no-as-needed)
target_link_libraries(bench_startup_floor PRIVATE opencv_core opencv_imgproc ${HDF5_C_LIBRARIES}
  CURL::libcurl OpenSSL::Crypto)
autofocus_add_benchmark(bench_startup SRCS ${CMAKE_CURRENT_LIST_DIR}/startup_bench.cpp)
target_compile_definitions(bench_startup PRIVATE
  AUTOFOCUS_CLI_PATH="$<TARGET_FILE:autofocus_cli>"
  AUTOFOCUS_FLOOR_PATH="$<TARGET_FILE:bench_startup_floor>")
add_dependencies(bench_startup autofocus_cli bench_startup_floor)
