# Tests of the document layer's read paths tuned for speed: batched
# document fetches of index plans (cursor_scan.cc) and the byte-level
# filter prefilter (filter_match.cc).
strata_test(docs_index_fetch_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/doc_index_fetch_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
strata_test(docs_filter_prefilter_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/filter_prefilter_test.cc
  LIBS strata_docs_core
  LABELS docs quick
  TIMEOUT 60)
