# The index-entry walk of index plans: component framing against a byte
# loop, and finds/counts over awkward index values, both directions.
strata_test(docs_index_scan_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/index_scan_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
