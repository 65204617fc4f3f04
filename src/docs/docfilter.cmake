# strata_docs_core: the storage-free building blocks of the document layer
# (JSON values and paths, filters, projection, sort keys, merge patch,
# index key encoding). Depends on strata_util only, nothing in lsm.
add_library(strata_docs_core STATIC
  ${CMAKE_CURRENT_LIST_DIR}/filter_match.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter_parse.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter_projection.cc
  ${CMAKE_CURRENT_LIST_DIR}/filter_sort.cc
  ${CMAKE_CURRENT_LIST_DIR}/index_key.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_path.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_value.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_value_check.cc
  ${CMAKE_CURRENT_LIST_DIR}/json_value_parse.cc
  ${CMAKE_CURRENT_LIST_DIR}/merge_patch.cc
)
target_link_libraries(strata_docs_core PUBLIC strata_util
                                       PRIVATE simdjson::simdjson)
