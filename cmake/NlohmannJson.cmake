# nlohmann-json (header only) as nlohmann_json::nlohmann_json: its CMake package when installed, else the
# folder holding nlohmann/json.hpp named by TRUSTCT_NLOHMANN_INCLUDE. Nothing is downloaded at build time.
set(TRUSTCT_NLOHMANN_INCLUDE "" CACHE PATH "Folder holding nlohmann/json.hpp, when nlohmann-json has no CMake package here")

if(TRUSTCT_NLOHMANN_INCLUDE)
  if(NOT EXISTS "${TRUSTCT_NLOHMANN_INCLUDE}/nlohmann/json.hpp")
    message(FATAL_ERROR "TRUSTCT_NLOHMANN_INCLUDE=${TRUSTCT_NLOHMANN_INCLUDE}: no nlohmann/json.hpp in this folder")
  endif()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json INTERFACE "${TRUSTCT_NLOHMANN_INCLUDE}")
  return()
endif()

find_package(nlohmann_json 3.10 QUIET)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR
    "nlohmann-json 3.10 or newer was not found. Install it (Debian/Ubuntu: apt install nlohmann-json3-dev), or, "
    "without root, unpack its package (dpkg-deb -x nlohmann-json3-dev_*.deb DIR) or its release's include/ folder "
    "and configure with -Dnlohmann_json_DIR=DIR/usr/share/cmake/nlohmann_json or -DTRUSTCT_NLOHMANN_INCLUDE=DIR/usr/include "
    "(the folder that holds nlohmann/json.hpp).")
endif()
