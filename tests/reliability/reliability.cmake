# Reliability tests (issue 8): fault sweeps and power loss at the DB level,
# documented limits, file permissions. Label "reliability"; the sweeps also
# carry "tsan" so scripts/sanitize.sh runs them under ThreadSanitizer.
strata_test(fault_sweep_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fault_sweep_test.cc
  LIBS strata_lsm
  LABELS reliability tsan
  TIMEOUT 120)
strata_test(power_loss_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/power_loss_test.cc
  LIBS strata_lsm
  LABELS reliability tsan
  TIMEOUT 120)
strata_test(limits_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/limits_test.cc
  LIBS strata_lsm strata_series_lp strata_influxql strata_docs_core
  LABELS reliability quick
  TIMEOUT 120)
strata_test(permissions_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/permissions_test.cc
  LIBS strata_lsm
  LABELS reliability quick
  TIMEOUT 60)
