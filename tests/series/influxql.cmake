# InfluxQL parser tests (no storage involved).
foreach(_t lexer parser parser_error time_literals time_range fuzz)
  strata_test(influxql_${_t}_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/influxql_${_t}_test.cc
    LIBS strata_influxql
    LABELS quick
    TIMEOUT 60)
endforeach()
