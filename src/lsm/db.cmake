# The DB engine: version set, write path, flush, reads.
add_library(strata_lsm STATIC
  ${CMAKE_CURRENT_LIST_DIR}/compaction_job.cc
  ${CMAKE_CURRENT_LIST_DIR}/compaction_picker.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_compaction.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_flush.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_get.cc
  ${CMAKE_CURRENT_LIST_DIR}/table_multiget.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_impl.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_iter.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_read.cc
  ${CMAKE_CURRENT_LIST_DIR}/db_write.cc
  ${CMAKE_CURRENT_LIST_DIR}/filename.cc
  ${CMAKE_CURRENT_LIST_DIR}/merging_iterator.cc
  ${CMAKE_CURRENT_LIST_DIR}/range_del.cc
  ${CMAKE_CURRENT_LIST_DIR}/retention_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/sst_output.cc
  ${CMAKE_CURRENT_LIST_DIR}/stats.cc
  ${CMAKE_CURRENT_LIST_DIR}/table_cache.cc
  ${CMAKE_CURRENT_LIST_DIR}/version.cc
  ${CMAKE_CURRENT_LIST_DIR}/version_edit.cc
  ${CMAKE_CURRENT_LIST_DIR}/write_batch.cc
)
target_link_libraries(strata_lsm PUBLIC
  strata_lsm_table strata_lsm_log strata_lsm_memtable strata_lsm_columnar
  strata_lsm_base strata_env strata_util)
