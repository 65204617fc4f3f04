# Sources of strata_series split out of series_store (declared in
# series.cmake, which this fragment follows in sorted order): the catalog
# snapshot readers use and the ingest path.
target_sources(strata_series PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/catalog_snapshot.cc
  ${CMAKE_CURRENT_LIST_DIR}/series_ingest.cc
)
target_link_libraries(strata_series PUBLIC absl::flat_hash_map
                                            absl::flat_hash_set)
