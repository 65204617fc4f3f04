# Tests of the document layer's read paths tuned for speed: batched
# document fetches of index plans (cursor_scan.cc).
strata_test(docs_index_fetch_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/doc_index_fetch_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
