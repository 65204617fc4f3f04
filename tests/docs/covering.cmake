# Covering secondary indexes: answers equal plain indexes and scans through
# writes, TTL, transactions, backfill, unique indexes and reopen.
strata_test(docs_covering_index_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/covering_index_test.cc
  LIBS strata_docs
  LABELS docs quick
  TIMEOUT 60)
