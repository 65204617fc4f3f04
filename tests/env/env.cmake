# Env layer tests: the Env contract on POSIX and memory envs, POSIX-only
# behaviour, and the fault injection env.
strata_test(env_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/env_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/posix_env_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/fault_injection_env_test.cc
  LIBS strata_env
  LABELS quick
  TIMEOUT 60)
