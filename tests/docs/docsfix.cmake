# Tests of the issue-5 fixes: sort order across types shared by index keys
# and in-memory sorts (with the version-1 index conversion), and
# transaction phantoms.
strata_test(docs_sort_order_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/sort_order_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
strata_test(docs_nesting_depth_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/nesting_depth_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
# Issue-5 follow-ups: the empty array sorts before null in memory and in
# index keys (key version 3, with the conversion of older indexes), and
# time windows served by an index on the time field.
strata_test(docs_empty_array_order_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/docs_sort_order_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
strata_test(docs_time_index_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/docs_time_index_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
