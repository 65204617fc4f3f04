# InfluxQL regex compilation shared by SELECT and SHOW (influxql_regex.h),
# and the executor's numeric casts (CastNumeric, exec_condition.h).
strata_test(influxql_regex_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/influxql_regex_test.cc
  LIBS strata_series_exec
  LABELS quick
  TIMEOUT 60)
strata_test(exec_cast_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/exec_cast_test.cc
  LIBS strata_series_exec
  LABELS quick
  TIMEOUT 60)
