strata_test(log_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/log_test.cc
  LIBS strata_lsm_log
  LABELS lsm quick
  TIMEOUT 60)
strata_test(memtable_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/memtable_test.cc
  LIBS strata_lsm_memtable
  LABELS lsm quick
  TIMEOUT 120)
