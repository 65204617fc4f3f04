# Series retention reclaimed through DB retention rules.
strata_test(retention_reclaim_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/retention_reclaim_test.cc
  LIBS strata_series strata_env
  LABELS quick
  TIMEOUT 120)
