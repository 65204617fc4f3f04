strata_test(util_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/coding_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/crc32c_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/json_escape_test.cc
  LIBS strata_util)
