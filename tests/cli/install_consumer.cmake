# The cli_install_consumer test, run with cmake -P: installs the build tree
# into WORK_DIR/prefix, checks the installed layout, configures, builds and
# runs tests/consumer with find_package(strata), then compiles the same
# program with nothing but `pkg-config --cflags --libs strata` and runs it.
#
# tests/CMakeLists.txt includes every tests/*/*.cmake as a fragment; as a
# fragment this file does nothing (the test is declared in cli.cmake).
if(NOT CMAKE_SCRIPT_MODE_FILE)
  return()
endif()
cmake_minimum_required(VERSION 3.25)
foreach(_v STRATA_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR CXX)
  if(NOT ${_v})
    message(FATAL_ERROR "install_consumer.cmake: -D${_v}=... is required")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(step_out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run_step("install" ${CMAKE_COMMAND} --install ${STRATA_BUILD_DIR}
         --prefix ${prefix})

file(GLOB _config ${prefix}/lib*/cmake/strata/strataConfig.cmake
     ${prefix}/lib/*/cmake/strata/strataConfig.cmake)
file(GLOB _pc ${prefix}/lib*/pkgconfig/strata.pc
     ${prefix}/lib/*/pkgconfig/strata.pc)
foreach(_f bin/strata include/strata/db.h include/strata/series.h
           include/strata/docs.h)
  if(NOT EXISTS ${prefix}/${_f})
    message(FATAL_ERROR "install: ${prefix}/${_f} is missing")
  endif()
endforeach()
if(NOT _config OR NOT _pc)
  message(FATAL_ERROR "install: no strataConfig.cmake or strata.pc in ${prefix}")
endif()
run_step("installed strata --version" ${prefix}/bin/strata --version)

# Sanitized builds need the same runtime in the consumer.
set(flags "")
if(SANITIZE STREQUAL "address")
  set(flags "-fsanitize=address,undefined")
elseif(SANITIZE STREQUAL "thread")
  set(flags "-fsanitize=thread")
endif()

run_step("configure consumer" ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR}
         -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
         -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_CXX_FLAGS=${flags}
         -DCMAKE_EXE_LINKER_FLAGS=${flags})
run_step("build consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run_step("run consumer" ${WORK_DIR}/build/strata_consumer ${WORK_DIR}/data1)
if(NOT step_out MATCHES "consumer ok")
  message(FATAL_ERROR "consumer printed: ${step_out}")
endif()

find_program(PKG_CONFIG_EXECUTABLE pkg-config REQUIRED)
get_filename_component(_pcdir ${_pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${_pcdir})
run_step("pkg-config" ${PKG_CONFIG_EXECUTABLE} --cflags --libs strata)
string(STRIP "${step_out}" _pcflags)
separate_arguments(_pcflags UNIX_COMMAND "${_pcflags}")
separate_arguments(_sanflags UNIX_COMMAND "${flags}")
run_step("compile with pkg-config" ${CXX} -std=c++20 ${_sanflags}
         ${CONSUMER_SOURCE_DIR}/main.cc -o ${WORK_DIR}/consumer_pc ${_pcflags})
run_step("run pkg-config consumer" ${WORK_DIR}/consumer_pc ${WORK_DIR}/data2)
if(NOT step_out MATCHES "consumer ok")
  message(FATAL_ERROR "pkg-config consumer printed: ${step_out}")
endif()
message(STATUS "install, find_package and pkg-config consumers: ok")
