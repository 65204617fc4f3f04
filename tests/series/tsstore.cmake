# Time-series storage: catalog, ingest, reader, SHOW/DELETE/DROP.
strata_test(series_store_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/series_store_test.cc
  LIBS strata_series strata_env
  LABELS quick
  TIMEOUT 120)
strata_test(meta_statements_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/meta_statements_test.cc
  LIBS strata_series strata_env
  LABELS quick
  TIMEOUT 120)
