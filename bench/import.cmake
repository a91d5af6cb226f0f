# import_bench: generates a folder dataset (default 200 episodes x 400 frames of 320x180 PNGs) in a
# temp dir, runs `autofocus import folder` as a child process and reports its time and peak RSS
# against a same-run baseline (reading every file's bytes once). Not part of ctest.
autofocus_add_benchmark(import_bench SRCS ${CMAKE_CURRENT_SOURCE_DIR}/import_bench.cpp
  DEPS autofocus_importers)
target_compile_definitions(import_bench PRIVATE
  AUTOFOCUS_CLI_PATH="$<TARGET_FILE:autofocus_cli>")
add_dependencies(import_bench autofocus_cli)
