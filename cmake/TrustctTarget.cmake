# Common settings for TrustCT targets: warnings, and LibTorch's precompiled header shared by every
# target that includes <torch/torch.h> (one PCH build instead of one per target keeps CI fast).
function(trustct_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

set(TRUSTCT_PCH_OWNER "" CACHE INTERNAL "")

function(trustct_use_torch_pch target)
  if(TRUSTCT_PCH_OWNER STREQUAL "")
    target_precompile_headers(${target} PRIVATE <torch/torch.h> <vector> <string> <memory>)
    set(TRUSTCT_PCH_OWNER ${target} CACHE INTERNAL "")
  else()
    target_precompile_headers(${target} REUSE_FROM ${TRUSTCT_PCH_OWNER})
  endif()
endfunction()

# TRUSTCT_HAVE_DICOM, TRUSTCT_HAVE_ITK, TRUSTCT_HAVE_HDF5 and TRUSTCT_CORE_ONLY (0 or 1) for the few sources
# that branch on the optional parts. Source properties rather than target definitions, so the targets'
# flags, and the shared PCH with them, are the same whatever a build leaves out.
function(trustct_feature_definitions)
  set_property(SOURCE ${ARGN} APPEND PROPERTY COMPILE_DEFINITIONS
    TRUSTCT_HAVE_DICOM=$<BOOL:${TRUSTCT_WITH_DICOM}> TRUSTCT_HAVE_ITK=$<BOOL:${TRUSTCT_WITH_ITK}>
    TRUSTCT_HAVE_HDF5=$<BOOL:${TRUSTCT_WITH_HDF5}> TRUSTCT_CORE_ONLY=$<BOOL:${TRUSTCT_CORE_ONLY}>
    TRUSTCT_HAVE_DISTRIBUTED=$<BOOL:${TRUSTCT_WITH_DISTRIBUTED}>)
endfunction()
