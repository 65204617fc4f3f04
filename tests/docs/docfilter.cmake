# Tests of strata_docs_core (document filters, paths, projection, sort,
# merge patch, index keys). The throughput test prints MB/s and never
# gates on time.
strata_test(docs_core_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/json_value_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/json_path_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/filter_parse_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/filter_match_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/filter_projection_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/merge_patch_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/index_key_test.cc
  LIBS strata_docs_core
  LABELS docs quick
  TIMEOUT 60)
strata_test(docs_filter_differential_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/filter_differential_test.cc
  LIBS strata_docs_core
  LABELS docs
  TIMEOUT 120)
strata_test(docs_filter_throughput_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/filter_throughput_test.cc
  LIBS strata_docs_core
  LABELS docs perf
  TIMEOUT 120)
