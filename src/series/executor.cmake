# The InfluxQL SELECT executor (reads through SeriesReader; no DB access)
# and the InfluxDB JSON result formatter.
add_library(strata_series_exec STATIC
  ${CMAKE_CURRENT_LIST_DIR}/exec_aggregate.cc
  ${CMAKE_CURRENT_LIST_DIR}/exec_buckets.cc
  ${CMAKE_CURRENT_LIST_DIR}/exec_condition.cc
  ${CMAKE_CURRENT_LIST_DIR}/exec_plan.cc
  ${CMAKE_CURRENT_LIST_DIR}/exec_raw.cc
  ${CMAKE_CURRENT_LIST_DIR}/exec_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/exec_rows.cc
  ${CMAKE_CURRENT_LIST_DIR}/executor.cc
  ${CMAKE_CURRENT_LIST_DIR}/influx_json.cc
  ${CMAKE_CURRENT_LIST_DIR}/influxql_regex.cc
)
target_link_libraries(strata_series_exec PUBLIC strata_influxql strata_util
                                                absl::btree)
