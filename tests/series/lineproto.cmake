strata_test(line_protocol_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/line_protocol_test.cc
  LIBS strata_series_lp
  LABELS quick
  TIMEOUT 60)
