# SST format: row blocks, bloom filter, block cache, table builder/reader.
add_library(strata_lsm_table STATIC
  ${CMAKE_CURRENT_LIST_DIR}/format.cc
  ${CMAKE_CURRENT_LIST_DIR}/row_block.cc
  ${CMAKE_CURRENT_LIST_DIR}/row_block_iterator.cc
  ${CMAKE_CURRENT_LIST_DIR}/row_block_point.cc
  ${CMAKE_CURRENT_LIST_DIR}/row_block_builder.cc
  ${CMAKE_CURRENT_LIST_DIR}/bloom.cc
  ${CMAKE_CURRENT_LIST_DIR}/block_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/table_builder.cc
  ${CMAKE_CURRENT_LIST_DIR}/table_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/table_iterator.cc)
target_link_libraries(strata_lsm_table PUBLIC strata_lsm_columnar
  strata_lsm_base strata_env strata_util PkgConfig::LZ4)
