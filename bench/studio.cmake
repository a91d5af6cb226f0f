# Studio (issue #6): live saliency re-render per slider change and large-project open time,
# each against a same-run baseline (raw RenderFrame; bare ProjectStore::Open).
if(TARGET autofocus_widgets)
  add_executable(bench_studio ${CMAKE_CURRENT_LIST_DIR}/studio_bench.cpp)
  target_link_libraries(bench_studio PRIVATE autofocus_widgets)
endif()
