# The fuzz targets and the libraries each links. Shared by fuzz/CMakeLists.txt
# (libFuzzer builds, clang only) and tests/reliability/reliability.cmake
# (corpus replay tests in every build).
set(STRATA_FUZZ_TARGETS
  fuzz_wal_reader fuzz_sst fuzz_block fuzz_manifest
  fuzz_line_protocol fuzz_influxql fuzz_filter)

function(strata_fuzz_libs name out)
  if(name STREQUAL "fuzz_line_protocol")
    set(${out} strata_series_lp PARENT_SCOPE)
  elseif(name STREQUAL "fuzz_influxql")
    set(${out} strata_influxql PARENT_SCOPE)
  elseif(name STREQUAL "fuzz_filter")
    set(${out} strata_docs_core PARENT_SCOPE)
  elseif(name STREQUAL "fuzz_sst" OR name STREQUAL "fuzz_block")
    set(${out} strata_lsm_table PARENT_SCOPE)
  else()
    set(${out} strata_lsm PARENT_SCOPE)
  endif()
endfunction()

# The seed corpus generator (fuzz/make_corpus.cc), defined once in whichever
# build asks first.
function(strata_fuzz_corpus_target)
  if(NOT TARGET strata_fuzz_corpus)
    add_executable(strata_fuzz_corpus ${PROJECT_SOURCE_DIR}/fuzz/make_corpus.cc)
    target_link_libraries(strata_fuzz_corpus PRIVATE strata_lsm)
  endif()
endfunction()
