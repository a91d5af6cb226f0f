# Attention compare view (issue 12 section 3): repaint time per scrubbed frame with 4 panes of
# cached maps, against the same panes drawing the frame alone.
if(TARGET autofocus_widgets)
  add_executable(bench_compare ${CMAKE_CURRENT_LIST_DIR}/compare_bench.cpp)
  target_link_libraries(bench_compare PRIVATE autofocus_widgets)
endif()
