# Saliency renderer (issue #3): fast separable renderer vs the naive reference, same run.
if(TARGET autofocus_saliency)
  autofocus_add_benchmark(bench_saliency SRCS ${CMAKE_CURRENT_LIST_DIR}/saliency_bench.cpp
    DEPS autofocus_saliency)
endif()
