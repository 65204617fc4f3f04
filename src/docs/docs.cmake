# strata_docs: the document layer (include/strata/docs.h) over the storage
# core: catalog, document writes with index maintenance, planner, cursors,
# transactions. Layout: schema/docs.md.
add_library(strata_docs STATIC
  ${CMAKE_CURRENT_LIST_DIR}/catalog.cc
  ${CMAKE_CURRENT_LIST_DIR}/cursor_find.cc
  ${CMAKE_CURRENT_LIST_DIR}/cursor_range.cc
  ${CMAKE_CURRENT_LIST_DIR}/cursor_scan.cc
  ${CMAKE_CURRENT_LIST_DIR}/doc_keys.cc
  ${CMAKE_CURRENT_LIST_DIR}/doc_store.cc
  ${CMAKE_CURRENT_LIST_DIR}/doc_write.cc
  ${CMAKE_CURRENT_LIST_DIR}/explain.cc
  ${CMAKE_CURRENT_LIST_DIR}/planner.cc
  ${CMAKE_CURRENT_LIST_DIR}/transaction.cc
)
target_link_libraries(strata_docs PUBLIC strata_docs_core strata_lsm
                                  PRIVATE simdjson::simdjson)
