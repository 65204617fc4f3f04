add_library(strata_lsm_columnar STATIC
  ${CMAKE_CURRENT_LIST_DIR}/columnar_block.cc)
target_link_libraries(strata_lsm_columnar PUBLIC strata_lsm_base strata_util)
