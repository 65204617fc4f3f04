# Correctness evidence for the storage core (strata::DB): a randomized model
# test against an in-memory reference, corruption tests, and a crash test
# that SIGKILLs a real child process (crash_child) mid-write.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/db_model_test.cc)
  strata_test(db_model_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/db_model_test.cc
    LIBS strata_lsm
    LABELS lsm
    TIMEOUT 600)
endif()

if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/db_corruption_test.cc)
  strata_test(db_corruption_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/db_corruption_test.cc
    LIBS strata_lsm
    LABELS lsm
    TIMEOUT 600)
endif()

# The crash test runs crash_child as a separate process; it finds the binary
# through a compile definition, so building the test builds the child.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/crash_child.cc AND
   EXISTS ${CMAKE_CURRENT_LIST_DIR}/db_crash_test.cc)
  add_executable(crash_child ${CMAKE_CURRENT_LIST_DIR}/crash_child.cc)
  target_link_libraries(crash_child PRIVATE strata_lsm)
  target_include_directories(crash_child PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  strata_test(db_crash_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/db_crash_test.cc
    LIBS strata_lsm
    LABELS lsm crash
    TIMEOUT 900)
  add_dependencies(db_crash_test crash_child)
  target_compile_definitions(db_crash_test PRIVATE
    STRATA_CRASH_CHILD="$<TARGET_FILE:crash_child>")
endif()

if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/db_block_skip_test.cc)
  strata_test(db_block_skip_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/db_block_skip_test.cc
    LIBS strata_lsm
    LABELS lsm
    TIMEOUT 300)
endif()

if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/db_batch_read_test.cc)
  strata_test(db_batch_read_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/db_batch_read_test.cc
    LIBS strata_lsm
    LABELS lsm
    TIMEOUT 300)
endif()
