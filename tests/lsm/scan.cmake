# Scan-path iterators: the merge of sources against a sorted model.
strata_test(merging_iterator_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/merging_iterator_test.cc
  LIBS strata_lsm
  LABELS lsm quick
  TIMEOUT 120)
