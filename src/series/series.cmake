# The time-series layer over the DB: catalog (series_store, with the
# in-memory catalog_snapshot readers use), ingest (series_ingest),
# the snapshot reader the executor uses, SHOW/DELETE/DROP statements and
# the public TimeSeries class.
add_library(strata_series STATIC
  ${CMAKE_CURRENT_LIST_DIR}/catalog_snapshot.cc
  ${CMAKE_CURRENT_LIST_DIR}/key_codec.cc
  ${CMAKE_CURRENT_LIST_DIR}/meta_statements.cc
  ${CMAKE_CURRENT_LIST_DIR}/retention_rules.cc
  ${CMAKE_CURRENT_LIST_DIR}/series_db_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/series_ingest.cc
  ${CMAKE_CURRENT_LIST_DIR}/series_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/time_series.cc
)
target_link_libraries(strata_series PUBLIC
  strata_series_exec strata_influxql strata_series_lp strata_lsm
  absl::node_hash_map absl::flat_hash_map absl::flat_hash_set)
