# attention_bench: activation maps of a 1,000-frame 320x180 episode (`autofocus sim generate`)
# with an (untrained) GABRIL CNN policy at 180x320 on 2 threads, against a same-run baseline that
# only decodes and preprocesses the frames. Target <= 10 s. Not part of ctest.
if(AUTOFOCUS_WITH_TORCH)
  autofocus_add_benchmark(attention_bench SRCS ${CMAKE_CURRENT_SOURCE_DIR}/attention_bench.cpp
    DEPS autofocus_attention_torch)
  target_compile_definitions(attention_bench PRIVATE
    AUTOFOCUS_CLI_PATH="$<TARGET_FILE:autofocus_cli>")
  add_dependencies(attention_bench autofocus_cli)
  set_property(TARGET attention_bench PROPERTY JOB_POOL_COMPILE autofocus_train_torch_pool)
endif()
