# Line protocol parser and formatter. Depends only on strata_util (never on
# the LSM), so ingest tools can use it without a storage engine.
add_library(strata_series_lp STATIC
  ${CMAKE_CURRENT_LIST_DIR}/line_protocol.cc
  ${CMAKE_CURRENT_LIST_DIR}/lp_format.cc
  ${CMAKE_CURRENT_LIST_DIR}/lp_scan.cc
)
target_link_libraries(strata_series_lp PUBLIC strata_util)
