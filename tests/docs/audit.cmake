# Acceptance audit of issue 5 (documents) through the public API; see
# docs/acceptance.md. Compiles the CLI tests' JSON Schema checker to hold
# collection definitions against schema/collection.schema.json, and the
# series audit's heap counter for the streaming-memory test.
strata_test(docs_audit_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/audit_docs_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/audit_docs_read_test.cc
          ${PROJECT_SOURCE_DIR}/tests/series/audit_heap.cc
          ${PROJECT_SOURCE_DIR}/tests/cli/json_schema_check.cc
  LIBS strata_docs simdjson::simdjson
  LABELS docs quick
  TIMEOUT 120)
if(TARGET docs_audit_test)
  target_compile_definitions(docs_audit_test PRIVATE
    STRATA_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/schema")
endif()
