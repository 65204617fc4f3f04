# InfluxQL SELECT executor and InfluxDB JSON formatter tests (in-memory
# fake SeriesReader; no storage).
strata_test(executor_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/executor_test.cc
  LIBS strata_series_exec
  LABELS quick
  TIMEOUT 60)
strata_test(executor_diff_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/executor_diff_test.cc
  LIBS strata_series_exec
  LABELS quick
  TIMEOUT 120)
strata_test(influx_json_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/influx_json_test.cc
  LIBS strata_series_exec simdjson::simdjson
  LABELS quick
  TIMEOUT 60)
if(TARGET influx_json_test)
  target_compile_definitions(influx_json_test PRIVATE
    STRATA_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/schema")
endif()
