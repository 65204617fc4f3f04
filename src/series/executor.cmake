# The InfluxQL SELECT executor (reads through SeriesReader; no DB access).
add_library(strata_series_exec STATIC
  ${CMAKE_CURRENT_LIST_DIR}/executor.cc
)
target_link_libraries(strata_series_exec PUBLIC strata_influxql strata_util)
