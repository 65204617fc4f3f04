# Compatibility with the reference implementations (tests/compat/README.md).
# compat_regressions_test: differences found by the harnesses, as gtest
# cases over the public API (DISABLED_ until their owners fix them).
strata_test(compat_regressions_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/compat_regressions_test.cc
  LIBS strata_series strata_docs strata_env
  LABELS quick
  TIMEOUT 60)

# The two differential harnesses need a real InfluxDB server and npm, so
# they only run when STRATA_COMPAT=1 is set in the environment; otherwise
# they exit 77 and CTest reports them as skipped. Label "compat" keeps them
# out of the quick set.
foreach(_h influxdb mongo)
  add_test(NAME compat_${_h}
    COMMAND sh -c "[ \"$STRATA_COMPAT\" = 1 ] || { echo 'compat_${_h}: set STRATA_COMPAT=1 to run'; exit 77; }; exec \"$0\" \"$1\""
            ${CMAKE_CURRENT_LIST_DIR}/${_h}_compat.sh $<TARGET_FILE:strata_cli>)
  set_tests_properties(compat_${_h} PROPERTIES
    SKIP_RETURN_CODE 77 LABELS compat TIMEOUT 900)
endforeach()

# Fixes made for compatibility in the compat-owned parsers (projection).
strata_test(docs_compat_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/docs_compat_test.cc
  LIBS strata_docs_core
  LABELS docs quick
  TIMEOUT 60)

# The CLI's InfluxDB-compatible options (runs the real binary).
strata_test(cli_compat_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_compat_test.cc
  LIBS strata
  LABELS cli quick
  TIMEOUT 60)
if(TARGET cli_compat_test)
  target_compile_definitions(cli_compat_test PRIVATE
    STRATA_CLI_BINARY="$<TARGET_FILE:strata_cli>")
  add_dependencies(cli_compat_test strata_cli)
endif()

# InfluxQL the parser accepts for compatibility (tz('UTC')).
strata_test(influxql_compat_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/influxql_compat_test.cc
  LIBS strata_influxql
  LABELS quick
  TIMEOUT 60)
