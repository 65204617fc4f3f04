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
