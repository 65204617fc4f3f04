# Columnar block tests (schema/columnar-block.md).
strata_test(columnar_codec_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/columnar_codec_test.cc
  LIBS strata_lsm_columnar
  LABELS lsm quick TIMEOUT 60)
strata_test(columnar_block_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/columnar_block_test.cc
  LIBS strata_lsm_columnar
  LABELS lsm quick TIMEOUT 60)
strata_test(columnar_fuzz_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/columnar_fuzz_test.cc
  LIBS strata_lsm_columnar
  LABELS lsm quick TIMEOUT 120)
strata_test(columnar_size_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/columnar_size_test.cc
  LIBS strata_lsm_columnar PkgConfig::LZ4
  LABELS lsm TIMEOUT 120)
strata_test(columnar_compact_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/columnar_compact_test.cc
  LIBS strata_lsm_columnar
  LABELS lsm quick TIMEOUT 60)
