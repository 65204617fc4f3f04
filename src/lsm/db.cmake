# The DB engine. Placeholder until db_impl lands.
add_library(strata_lsm INTERFACE)
target_link_libraries(strata_lsm INTERFACE strata_lsm_base strata_env strata_util)
