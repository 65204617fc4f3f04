# Columnar data blocks (schema/columnar-block.md): codecs, builder, decoder.
add_library(strata_lsm_columnar STATIC
  ${CMAKE_CURRENT_LIST_DIR}/columnar_bits.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_block.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_builder.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_compact.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_decode.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_estimator.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_float_codec.cc
  ${CMAKE_CURRENT_LIST_DIR}/columnar_int_codec.cc)
target_link_libraries(strata_lsm_columnar PUBLIC strata_lsm_base strata_util)
