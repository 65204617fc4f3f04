# InfluxQL regex compilation shared by SELECT and SHOW (influxql_regex.h).
strata_test(influxql_regex_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/influxql_regex_test.cc
  LIBS strata_series_exec
  LABELS quick
  TIMEOUT 60)
