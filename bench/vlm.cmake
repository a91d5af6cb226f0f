# VLM client concurrency: 200 key-object requests against the loopback server (200 ms latency).
if(TARGET autofocus_fake_openai_server)
  autofocus_add_benchmark(bench_vlm_concurrency
    SRCS ${CMAKE_CURRENT_LIST_DIR}/vlm_concurrency_bench.cpp
    DEPS autofocus_vlm autofocus_fake_openai_server)
endif()
