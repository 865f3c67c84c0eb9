# Writes build_info.h; only touches the file when its content changes.
execute_process(COMMAND git -C ${SRC} describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR commit STREQUAL "")
  set(commit "unavailable (not a git checkout)")
endif()
string(STRIP "${FLAGS}" FLAGS)
set(content "#define SL_BUILD_VERSION \"${VERSION}\"\n#define SL_BUILD_COMMIT \"${commit}\"\n#define SL_BUILD_FLAGS \"${FLAGS}\"\n#define SL_BUILD_TYPE \"${BUILD_TYPE}\"\n#define SL_BUILD_SANITIZE \"${SANITIZE}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE ${OUT} "${content}")
endif()
