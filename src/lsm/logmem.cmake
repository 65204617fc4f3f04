# Log framing (WAL and manifest) and the memtable.
add_library(strata_lsm_log STATIC
  ${CMAKE_CURRENT_LIST_DIR}/log_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/log_writer.cc)
target_link_libraries(strata_lsm_log PUBLIC strata_env strata_util)

add_library(strata_lsm_memtable STATIC
  ${CMAKE_CURRENT_LIST_DIR}/memtable.cc)
target_link_libraries(strata_lsm_memtable PUBLIC strata_lsm_base strata_util)
