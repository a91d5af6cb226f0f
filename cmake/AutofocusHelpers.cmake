# Small helpers so every folder declares its targets the same way (COLMAP style).

# autofocus_add_library(NAME SRCS a.cpp b.cpp DEPS other_target ...)
# Creates the static library `autofocus_NAME`, with the repository root as include root so
# headers are included as "core/<module>/<file>.h".
function(autofocus_add_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(autofocus_${name} STATIC ${ARG_SRCS})
  target_include_directories(autofocus_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(autofocus_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(autofocus_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# autofocus_add_plugin(NAME SRCS a.cpp DEPS lib ...)
# A shared module `NAME.so` loaded with dlopen on first use (core/base/plugin_loader.h), built
# into ${AUTOFOCUS_PLUGIN_OUTPUT_DIR} and installed into lib/autofocus. Plugins link no autofocus
# library (one copy of every core global) and export only what is marked visible.
function(autofocus_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} MODULE ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  # -z defs: an unresolved symbol fails the link, not the dlopen at run time. Not in a
  # sanitizer build: the sanitizer runtime lives in the executable, so a module's __asan_*
  # references are resolved only when it is loaded.
  if(NOT AUTOFOCUS_SANITIZE)
    target_link_options(${name} PRIVATE LINKER:-z,defs)
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${AUTOFOCUS_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  install(TARGETS ${name} LIBRARY DESTINATION lib/autofocus)
endfunction()

# autofocus_add_test(NAME SRCS a.cpp DEPS autofocus_x ... [LABELS l] [TIMEOUT s] [RESOURCE_LOCK r])
# A GoogleTest executable whose tests are registered individually with CTest; tests sharing a
# RESOURCE_LOCK never run at the same time (ctest -j).
function(autofocus_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT;RESOURCE_LOCK" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    AUTOFOCUS_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    AUTOFOCUS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    AUTOFOCUS_CLI_PATH="$<TARGET_FILE_DIR:autofocus_cli>/autofocus")
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(lock)
  if(ARG_RESOURCE_LOCK)
    set(lock RESOURCE_LOCK ${ARG_RESOURCE_LOCK})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}" ${lock})
endfunction()

# autofocus_add_benchmark(NAME SRCS a.cpp DEPS ...)
function(autofocus_add_benchmark name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()
