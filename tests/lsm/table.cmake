# SST format tests: codecs, filter, cache, builder/reader, skipping and
# corruption handling.
foreach(_t block_test bloom_test table_format_test table_test table_skip_test
           table_corruption_test table_block_cache_test)
  strata_test(${_t}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/${_t}.cc
    LIBS strata_lsm_table
    LABELS lsm quick
    TIMEOUT 120)
endforeach()
strata_test(table_reverse_seek_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/table_reverse_seek_test.cc
  LIBS strata_lsm_table
  LABELS lsm quick
  TIMEOUT 120)
