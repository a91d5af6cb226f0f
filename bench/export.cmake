# export_bench: the sample project (default 20 episodes x 200 frames, made with `autofocus demo`)
# exported to robomimic HDF5 with saliency maps, against a same-run baseline that only decodes
# its frames and renders its maps. Not part of ctest.
autofocus_add_benchmark(export_bench SRCS ${CMAKE_CURRENT_SOURCE_DIR}/export_bench.cpp
  DEPS autofocus_export)
target_compile_definitions(export_bench PRIVATE AUTOFOCUS_CLI_PATH="$<TARGET_FILE:autofocus_cli>")
add_dependencies(export_bench autofocus_cli)
