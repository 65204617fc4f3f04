# Reliability tests (issue 8): fault sweeps and power loss at the DB level,
# documented limits, file permissions. Label "reliability"; the sweeps also
# carry "tsan" so scripts/sanitize.sh runs them under ThreadSanitizer.
strata_test(fault_sweep_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fault_sweep_test.cc
  LIBS strata_lsm
  LABELS reliability tsan
  TIMEOUT 120)
strata_test(power_loss_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/power_loss_test.cc
  LIBS strata_lsm
  LABELS reliability tsan
  TIMEOUT 120)
strata_test(layers_fault_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/layers_fault_test.cc
  LIBS strata_series strata_docs strata_lsm
  LABELS reliability tsan
  TIMEOUT 120)
strata_test(limits_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/limits_test.cc
  LIBS strata_series strata_docs strata_lsm strata_series_lp strata_influxql
       strata_docs_core
  LABELS reliability quick
  TIMEOUT 120)
strata_test(newer_format_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/newer_format_test.cc
  LIBS strata_docs strata_lsm
  LABELS reliability quick
  TIMEOUT 60)
strata_test(permissions_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/permissions_test.cc
  LIBS strata_lsm
  LABELS reliability quick
  TIMEOUT 60)

# Fuzz targets without libFuzzer: each replays its checked-in seed corpus
# plus deterministic mutations (fuzz/replay_main.cc), so every build checks
# the targets and seeds. STRATA_FUZZ_REPLAY_MUTATIONS=N for more.
include(${PROJECT_SOURCE_DIR}/fuzz/targets.cmake)
strata_fuzz_corpus_target()
foreach(_t IN LISTS STRATA_FUZZ_TARGETS)
  add_executable(${_t}_replay ${PROJECT_SOURCE_DIR}/fuzz/${_t}.cc
                              ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  strata_fuzz_libs(${_t} _libs)
  target_link_libraries(${_t}_replay PRIVATE ${_libs})
  target_include_directories(${_t}_replay PRIVATE ${PROJECT_SOURCE_DIR})
  add_test(NAME ${_t}_replay
           COMMAND ${_t}_replay --mutations=5000
                   ${PROJECT_SOURCE_DIR}/fuzz/corpus/${_t})
  set_tests_properties(${_t}_replay PROPERTIES TIMEOUT 120
                                               LABELS "reliability;fuzz")
endforeach()

# libFuzzer smoke run (~10 s per target, seed 1) over what scripts/fuzz.sh
# built in build-fuzz (scripts/test.sh builds it first). Skipped (code 77)
# without the binaries, unless STRATA_REQUIRE_FUZZ=1 (test.sh sets it): then
# it fails. A crash, leak, timeout or out-of-memory fails it.
add_test(NAME fuzz_smoke
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh --no-build -t 10)
set_tests_properties(fuzz_smoke PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300
                                           ENVIRONMENT "FUZZ_SEED=1"
                                           LABELS "reliability;fuzz")

# fuzz.sh's exit codes on fake fuzzers: a crashing or hanging target fails
# fuzz_smoke; missing binaries skip it, or fail it under STRATA_REQUIRE_FUZZ.
add_test(NAME fuzz_sh_test
         COMMAND bash ${PROJECT_SOURCE_DIR}/fuzz/fuzz_sh_test.sh)
set_tests_properties(fuzz_sh_test PROPERTIES TIMEOUT 60
                                             LABELS "reliability;fuzz;quick")
