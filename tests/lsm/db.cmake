strata_test(db_basic_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/db_basic_test.cc
  LIBS strata_lsm
  LABELS lsm quick
  TIMEOUT 120)
strata_test(compaction_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/compaction_test.cc
  LIBS strata_lsm
  LABELS lsm quick
  TIMEOUT 300)
strata_test(table_multiget_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/table_multiget_test.cc
  LIBS strata_lsm
  LABELS lsm quick
  TIMEOUT 120)
