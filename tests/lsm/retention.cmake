# Retention rules in the storage core (DB::SetRetentionRule): rule logic,
# model test of reads, whole-file drops and background reclaim.
strata_test(retention_rule_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/retention_rule_test.cc
  LIBS strata_lsm
  LABELS lsm quick
  TIMEOUT 120)
