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
