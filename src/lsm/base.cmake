add_library(strata_lsm_base STATIC ${CMAKE_CURRENT_LIST_DIR}/internal_iterator.cc)
target_link_libraries(strata_lsm_base PUBLIC strata_util)
