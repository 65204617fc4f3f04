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
# The catalog snapshot and shared field scans against the DB's records, and
# SELECT through the store's reader against a plain DB-scanning reader.
strata_test(catalog_snapshot_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/catalog_snapshot_test.cc
  LIBS strata_series strata_env
  LABELS quick
  TIMEOUT 120)
strata_test(series_query_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/series_query_test.cc
  LIBS strata_series strata_env
  LABELS quick
  TIMEOUT 120)
