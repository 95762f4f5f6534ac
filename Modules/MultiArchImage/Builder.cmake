# Private: asks Buildx about a builder.  Included by the helper scripts.
include_guard(GLOBAL)

# Bootstraps <builder> (empty: buildx's current one) and sets <name_out> to
# its name and <platforms_out> to the normalised platforms its nodes build.
function(_multiarch_builder_platforms docker builder name_out platforms_out)
  set(args "${docker}" buildx inspect --bootstrap)
  if(builder)
    list(APPEND args "${builder}")
  endif()
  _multiarch_capture(b ${args})
  if(NOT b_rc EQUAL 0)
    _multiarch_capture(ls "${docker}" buildx ls --format "{{.Name}}")
    string(REGEX REPLACE "\n+$" "" ls_out "${ls_out}")
    string(REPLACE "\n" ", " ls_out "${ls_out}")
    string(STRIP "${b_err}" b_err)
    if(builder)
      _multiarch_die("Buildx builder \"${builder}\" is not usable: ${b_err}. "
        "Existing builders: ${ls_out}. Fix: create it (docker buildx create --name ${builder} "
        "--driver docker-container --bootstrap), declare it with add_multiarch_builder(${builder} ...), "
        "or name another one with BUILDER / -DMULTIARCH_BUILDER=<name>. Nothing was pushed.")
    else()
      _multiarch_die("Buildx's current builder is not usable: ${b_err}. Existing builders: ${ls_out}. "
        "Fix: check that the Docker daemon runs, or choose a builder with -DMULTIARCH_BUILDER=<name>. "
        "Nothing was pushed.")
    endif()
  endif()
  string(REGEX MATCH "Name:[ \t]*([^\n]*)" _ "${b_out}")
  set(name "${CMAKE_MATCH_1}")
  set(platforms "")
  string(REGEX MATCHALL "\nPlatforms:[^\n]*" lines "${b_out}")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^\nPlatforms:[ \t]*" "" line "${line}")
    string(REPLACE "," ";" items "${line}")
    foreach(item IN LISTS items)
      string(STRIP "${item}" item)
      string(REPLACE "*" "" item "${item}")
      _multiarch_normalize_platform("${item}" norm error)
      if(norm AND NOT norm IN_LIST platforms)
        list(APPEND platforms "${norm}")
      endif()
    endforeach()
  endforeach()
  set(${name_out} "${name}" PARENT_SCOPE)
  set(${platforms_out} "${platforms}" PARENT_SCOPE)
endfunction()
