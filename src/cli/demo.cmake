# strata_demo: the `strata demo` main job (demo.cc) and its data generators
# (demo_data.cc), as a library over the public API so the strata tool and
# tests/cli/demo_test.cc both call RunDemo(). Included by
# src/cli/CMakeLists.txt; tests/cli/demo.cmake includes it when that has
# not happened, hence the guard and the list-relative paths.
if(NOT TARGET strata_demo)
  add_library(strata_demo STATIC
    ${CMAKE_CURRENT_LIST_DIR}/demo.cc
    ${CMAKE_CURRENT_LIST_DIR}/demo_data.cc
  )
  target_link_libraries(strata_demo PUBLIC strata PRIVATE simdjson::simdjson)
endif()
