# Tests of the document layer (strata_docs): behaviour, a differential test
# of Find against a naive evaluator, and transactions.
strata_test(docs_store_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/doc_store_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
strata_test(docs_diff_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/doc_diff_test.cc
  LIBS strata_docs
  LABELS docs
  TIMEOUT 300)
strata_test(docs_txn_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/doc_txn_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 120)
