# Acceptance audit of issue 4 (time series) through the public API; see
# docs/acceptance.md. audit_heap.cc counts the binary's heap for the
# streaming-memory test.
strata_test(series_audit_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/audit_series_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/audit_query_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/audit_heap.cc
  LIBS strata_series strata_env
  LABELS quick
  TIMEOUT 120)
