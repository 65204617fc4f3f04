# CLI tests (label "cli"): unit tests of the CLI's pieces, end-to-end runs
# of the real `strata` binary. The packaging test (label "packaging": it
# compiles a project twice, so it stays out of the fast "cli" set) installs
# the build into a temporary prefix and builds tests/consumer against it.
set(_cli_defs
  STRATA_CLI_BINARY="$<TARGET_FILE:strata_cli>"
  STRATA_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/schema")

strata_test(cli_unit_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_unit_test.cc
  LIBS strata_cli_lib
  LABELS cli quick
  TIMEOUT 60)

foreach(_t cli_series_test cli_docs_test cli_admin_test)
  strata_test(${_t}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/${_t}.cc
            ${CMAKE_CURRENT_LIST_DIR}/json_schema_check.cc
    LIBS strata simdjson::simdjson
    LABELS cli
    TIMEOUT 120)
endforeach()

foreach(_t cli_unit_test cli_series_test cli_docs_test cli_admin_test)
  if(TARGET ${_t})
    target_compile_definitions(${_t} PRIVATE ${_cli_defs})
    add_dependencies(${_t} strata_cli)
  endif()
endforeach()

# Packaging: cmake --install into a temporary prefix, then configure, build
# and run tests/consumer with find_package(strata), and compile it again
# with the pkg-config flags alone.
add_test(NAME cli_install_consumer
  COMMAND ${CMAKE_COMMAND}
    -DSTRATA_BUILD_DIR=${PROJECT_BINARY_DIR}
    -DCONSUMER_SOURCE_DIR=${PROJECT_SOURCE_DIR}/tests/consumer
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/cli_install_consumer
    -DCXX=${CMAKE_CXX_COMPILER}
    -DSANITIZE=${STRATA_SANITIZE}
    -P ${CMAKE_CURRENT_LIST_DIR}/install_consumer.cmake)
set_tests_properties(cli_install_consumer PROPERTIES
  LABELS "packaging" TIMEOUT 300)
