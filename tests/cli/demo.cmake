# The main job at a small scale: RunDemo() into a temporary directory, every
# section printed, the database left behind readable, refusal to replace a
# directory that is not a database.
if(NOT TARGET strata_demo)
  include(${PROJECT_SOURCE_DIR}/src/cli/demo.cmake)
endif()
strata_test(demo_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/demo_test.cc
  LIBS strata_demo strata
  LABELS cli
  TIMEOUT 120)
