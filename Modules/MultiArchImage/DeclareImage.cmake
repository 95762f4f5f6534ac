# Private: the work of add_multiarch_image, in three rooms.  Included by
# MultiArchImage.cmake; everything here may change.
#
#   _multiarch_image_parse(<d> <name> <arguments>...)
#       checks the arguments and fills the defaults: a normalised description
#       in the caller's variables <d>_<field> (fields: _multiarch_image_fields);
#   _multiarch_image_write(<d>)
#       writes <d>_IMAGE_FILE (image.cmake), the helper scripts' input;
#   _multiarch_image_declare(<d>)
#       declares the targets, the custom command of the push and promotion.
include_guard(GLOBAL)
include("${CMAKE_CURRENT_LIST_DIR}/Declare.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Artifacts.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Portability.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Metadata.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/GeneratedFiles.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Platforms.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/Validation.cmake")

# The fields of a description.  (A function, not a variable: the module may
# be included in another directory's scope, add_subdirectory of the package.)
function(_multiarch_image_fields out)
  set(${out} NAME REPOSITORY PLATFORMS TAGS PROMOTE_TAGS DOCKERFILE CONTEXT BUILD_ARGS LABELS
    ANNOTATIONS METADATA VERSION LICENSES SECRETS BUILDER DEPENDS ARTIFACTS INSTALL_GIVEN INSTALL
    DESTINATION RUNTIME_LIBRARIES TOOLCHAINS PORTABILITY_CHECK PORTABILITY_ALLOW SIGN_KEY VERIFY_KEY
    SIGN_RECURSIVE REPRODUCIBLE PROVENANCE SBOM CACHE_TYPE CACHE_REF MISSING_VALUES STATE_DIR IMAGE_JSON IMAGE_FILE
    PORTABILITY_FILE STAMP_FILE DEPFILE METADATA_FILE INSPECTION_FILE BUILDER_FILE PARENT_SCOPE)
endfunction()

# Checks the arguments of add_multiarch_image(<name> ...) and fills the
# defaults; sets <d>_<field> in the caller's scope.  Nothing is written.
# Each concern has its own function below, in the order of the checks.
function(_multiarch_image_parse d name)
  set(single REPOSITORY DOCKERFILE CONTEXT BUILDER DESTINATION RUNTIME_LIBRARIES PORTABILITY_CHECK
    SIGN_KEY VERIFY_KEY SIGN_RECURSIVE VERSION LICENSES METADATA REPRODUCIBLE)
  # (One quoted list: set() would take a trailing CACHE for its own.)
  set(multi "PLATFORMS;TAGS;PROMOTE_TAGS;BUILD_ARGS;LABELS;ANNOTATIONS;SECRETS;DEPENDS;ARTIFACTS;INSTALL;TOOLCHAINS;PORTABILITY_ALLOW;ATTESTATIONS;CACHE")
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "${single}" "${multi}")
  _multiarch_check_keywords(add_multiarch_image "${name}" "${arg_UNPARSED_ARGUMENTS}")
  set(keywords "${single};${multi}")  # (quoted: a bare CACHE would be set()'s)
  _multiarch_check_list_brackets("add_multiarch_image(${name})" 2 keywords multi)
  # (string(CONCAT): set() would take a value such as CACHE or PARENT_SCOPE
  # for its own keyword.)
  string(CONCAT missing "${arg_KEYWORDS_MISSING_VALUES}")
  # A single-value keyword given only "" (e.g. "${UNSET_VAR}") means what
  # leaving it out means (BUILDER, DOCKERFILE: the default), except where
  # leaving out its value is an error (VERSION, SIGN_KEY, ...: "missing").
  _multiarch_given_empty(given_empty 2 single)
  list(APPEND missing ${given_empty})
  # TAGS given but holding no tag (TAGS "" or TAGS ${EMPTY}) is an error,
  # not the default tag: a push under a tag nobody named.  (The other
  # lists given empty hold none, as an empty CMake list does.)
  if("TAGS" IN_LIST missing OR (DEFINED arg_TAGS AND "${arg_TAGS}" STREQUAL ""))
    _multiarch_fail("${name}" "TAGS is given without a tag (\"\"); give TAGS <tag>... or leave "
      "TAGS out for the default tag, the version.")
  endif()
  _multiarch_image_check_name("${name}")
  _multiarch_image_check_repository("${name}" "${arg_REPOSITORY}")
  _multiarch_image_platforms("${name}" "${arg_PLATFORMS}" platforms)
  _multiarch_image_version("${name}" "${arg_VERSION}" "${missing}" arg_VERSION)
  if(NOT arg_TAGS)
    if(arg_VERSION STREQUAL "")
      _multiarch_fail("${name}" "no TAGS given and the project has no VERSION; "
        "add TAGS <tag>... or project(... VERSION x.y.z).")
    elseif(arg_VERSION MATCHES "^([^+]*)\\+")
      _multiarch_fail("${name}" "no TAGS given, and the default tag, the version "
        "\"${arg_VERSION}\" (from VERSION, MULTIARCH_VERSION or PROJECT_VERSION), cannot be a "
        "tag: a tag cannot hold \"+\" (build metadata). Give TAGS <tag>... (e.g. TAGS "
        "${CMAKE_MATCH_1}), or a version without +<build>.")
    endif()
    set(arg_TAGS "${arg_VERSION}")
  endif()
  if(NOT DEFINED arg_METADATA)
    set(arg_METADATA ON)
  endif()
  if(NOT arg_METADATA MATCHES "^(ON|OFF)$")
    _multiarch_fail("${name}" "METADATA \"${arg_METADATA}\" is not ON or OFF.")
  endif()
  _multiarch_image_reproducible("${name}" "${arg_REPRODUCIBLE}" arg_REPRODUCIBLE)
  _multiarch_image_attestations("${name}" "${arg_ATTESTATIONS}" "${missing}" arg_PROVENANCE arg_SBOM)
  _multiarch_image_cache("${name}" "${arg_CACHE}" "${missing}" "${arg_REPOSITORY}"
    arg_CACHE_TYPE arg_CACHE_REF)
  if(DEFINED arg_LICENSES AND NOT arg_LICENSES MATCHES "^[A-Za-z0-9.+:() -]+$")
    _multiarch_fail("${name}" "LICENSES \"${arg_LICENSES}\" is not an SPDX expression, e.g. "
      "LICENSES \"MIT OR Apache-2.0\".")
  endif()
  _multiarch_image_check_annotations("${name}" "${arg_ANNOTATIONS}" "${platforms}")
  _multiarch_image_check_tags("${name}" "${arg_TAGS}" "${arg_PROMOTE_TAGS}")

  set(install_given FALSE)
  if(DEFINED arg_INSTALL OR "INSTALL" IN_LIST missing)
    set(install_given TRUE)
  endif()
  set(staged FALSE)  # the context holds <platform>/ trees built here
  if(arg_ARTIFACTS OR install_given)
    set(staged TRUE)
  endif()
  _multiarch_image_inputs("${name}" "${arg_DOCKERFILE}" "${arg_CONTEXT}" "${staged}"
    arg_DOCKERFILE arg_CONTEXT)
  _multiarch_check_pairs(add_multiarch_image "${name}" BUILD_ARGS "${arg_BUILD_ARGS}")
  _multiarch_check_pairs(add_multiarch_image "${name}" LABELS "${arg_LABELS}")
  _multiarch_image_secrets("${name}" "${arg_SECRETS}" "${arg_CONTEXT}" secrets)

  if(NOT DEFINED arg_BUILDER)
    set(arg_BUILDER "${MULTIARCH_BUILDER}")
  endif()
  if(NOT arg_BUILDER STREQUAL "" AND NOT arg_BUILDER MATCHES "^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    _multiarch_fail("${name}" "BUILDER \"${arg_BUILDER}\" is not a valid builder name "
      "(letters, digits, _ . -).")
  endif()

  set(arg_NAME "${name}")
  set(arg_PLATFORMS "${platforms}")
  set(arg_SECRETS "${secrets}")
  set(arg_INSTALL_GIVEN "${install_given}")
  set(arg_MISSING_VALUES "${missing}")
  set(arg_STATE_DIR "${CMAKE_CURRENT_BINARY_DIR}/${name}.multiarch")
  set(arg_IMAGE_JSON "${CMAKE_CURRENT_BINARY_DIR}/${name}.image.json")
  set(arg_IMAGE_FILE "${arg_STATE_DIR}/image.cmake")
  # Every path a script uses is decided here and written into its input.
  set(arg_PORTABILITY_FILE "${arg_STATE_DIR}/portability.cmake")
  set(arg_STAMP_FILE "${arg_STATE_DIR}/pushed.stamp")
  set(arg_DEPFILE "${arg_STATE_DIR}/pushed.d")
  set(arg_METADATA_FILE "${arg_STATE_DIR}/metadata.json")
  set(arg_INSPECTION_FILE "${arg_STATE_DIR}/builder-inspection.txt")
  _multiarch_builder_file(arg_BUILDER_FILE "${arg_BUILDER}")
  _multiarch_image_fields(fields)
  foreach(field IN LISTS fields)
    set(${d}_${field} "${arg_${field}}" PARENT_SCOPE)
  endforeach()
endfunction()

# The image's name is a new target's, and the package's tool is there.
function(_multiarch_image_check_name name)
  if(NOT name MATCHES "^[A-Za-z0-9_.+-]+$")
    _multiarch_fail("${name}" "the name \"${name}\" is not a valid target name; use letters, digits and _ . + -.")
  endif()
  if(TARGET "${name}")
    _multiarch_fail("${name}" "a target named \"${name}\" already exists; choose another image name.")
  endif()
  if(NOT TARGET MultiArchImage::audit)
    # It reads the Dockerfile (FROM lines, the final base) for the build's
    # checks and staging, and the variants for the audit tests.
    _multiarch_fail("${name}" "MultiArchImage's tool multiarch-audit (target MultiArchImage::audit) "
      "is missing: find_package(MultiArchImage), add_subdirectory or FetchContent of the package "
      "provide it; here the module was included without it. Use the package.")
  endif()
endfunction()

function(_multiarch_image_check_repository name repository)
  if(repository STREQUAL "")
    _multiarch_fail("${name}" "REPOSITORY is required, e.g. REPOSITORY registry.example.com/team/app.")
  endif()
  _multiarch_validate_repository("${repository}" error)
  if(error)
    _multiarch_fail("${name}" "${error}")
  endif()
endfunction()

# <out>: PLATFORMS normalised, each once.
function(_multiarch_image_platforms name given out)
  if(NOT given)
    _multiarch_fail("${name}" "PLATFORMS is required, e.g. PLATFORMS linux/amd64 linux/arm64.")
  endif()
  set(platforms "")
  foreach(p IN LISTS given)
    _multiarch_normalize_platform("${p}" norm error)
    if(error)
      _multiarch_fail("${name}" "${error}")
    endif()
    if(norm IN_LIST platforms)
      _multiarch_fail("${name}" "platform \"${p}\" is declared twice (as ${norm}); list each platform once.")
    endif()
    list(APPEND platforms "${norm}")
  endforeach()
  set(${out} "${platforms}" PARENT_SCOPE)
endfunction()

# <out>: the version: VERSION, else -DMULTIARCH_VERSION, else
# PROJECT_VERSION (which has no pre-release part); Metadata.cmake resolves
# @VERSION@ in tags from it.  Empty when none is given.
function(_multiarch_image_version name version missing out)
  if("VERSION" IN_LIST missing)
    _multiarch_fail("${name}" "VERSION needs a value, e.g. VERSION 1.4.0-rc.1. (A build argument "
      "named VERSION is written BUILD_ARGS VERSION=<value>.)")
  endif()
  if(version STREQUAL "")
    set(version "${MULTIARCH_VERSION}")
  endif()
  if(version STREQUAL "")
    set(version "${PROJECT_VERSION}")
  endif()
  if(NOT version STREQUAL "")
    _multiarch_parse_version("${version}" parsed)
    if(NOT parsed_VALID)
      _multiarch_fail("${name}" "version \"${version}\" is not MAJOR[.MINOR[.PATCH]][-prerelease]"
        "[+build], e.g. 1.4.0 or 1.4.0-rc.1 (from VERSION, MULTIARCH_VERSION or PROJECT_VERSION).")
    endif()
  endif()
  set(${out} "${version}" PARENT_SCOPE)
endfunction()

# <out>: ON or OFF: REPRODUCIBLE, else the project's MULTIARCH_REPRODUCIBLE,
# else ON (same source, same digest).
function(_multiarch_image_reproducible name value out)
  if(value STREQUAL "")
    if(DEFINED MULTIARCH_REPRODUCIBLE AND NOT MULTIARCH_REPRODUCIBLE STREQUAL "")
      set(value "${MULTIARCH_REPRODUCIBLE}")
    else()
      set(value ON)
    endif()
  endif()
  string(TOUPPER "${value}" upper)
  if(upper MATCHES "^(ON|TRUE|YES|1)$")
    set(${out} ON PARENT_SCOPE)
  elseif(upper MATCHES "^(OFF|FALSE|NO|0)$")
    set(${out} OFF PARENT_SCOPE)
  else()
    _multiarch_fail("${name}" "REPRODUCIBLE \"${value}\" is not ON or OFF "
      "(from REPRODUCIBLE or the cache variable MULTIARCH_REPRODUCIBLE).")
  endif()
endfunction()

# ATTESTATIONS provenance=off|min|max sbom=off|<generator image>: sets
# <provenance_out> (default min) and <sbom_out> (default off).
function(_multiarch_image_attestations name values missing provenance_out sbom_out)
  set(provenance min)
  set(sbom off)
  if("ATTESTATIONS" IN_LIST missing)
    _multiarch_fail("${name}" "ATTESTATIONS needs a value, e.g. ATTESTATIONS provenance=off or "
      "ATTESTATIONS provenance=max sbom=<generator image>.")
  endif()
  set(seen "")
  foreach(a IN LISTS values)
    if(a MATCHES "^provenance=(off|min|max)$")
      set(provenance "${CMAKE_MATCH_1}")
    elseif(a MATCHES "^sbom=(.+)$")
      set(sbom "${CMAKE_MATCH_1}")
      if(NOT sbom STREQUAL "off" AND NOT sbom MATCHES "^[a-z0-9][A-Za-z0-9._:/@-]*$")
        _multiarch_fail("${name}" "ATTESTATIONS value \"${a}\": \"${sbom}\" is not an image "
          "reference; write sbom=off or sbom=<SBOM generator image>.")
      endif()
    else()
      _multiarch_fail("${name}" "ATTESTATIONS value \"${a}\" is not provenance=off|min|max or "
        "sbom=off|<SBOM generator image>.")
    endif()
    string(REGEX REPLACE "=.*" "" kind "${a}")
    if(kind IN_LIST seen)
      _multiarch_fail("${name}" "ATTESTATIONS names ${kind} twice; give it once.")
    endif()
    list(APPEND seen "${kind}")
  endforeach()
  set(${provenance_out} "${provenance}" PARENT_SCOPE)
  set(${sbom_out} "${sbom}" PARENT_SCOPE)
endfunction()

# CACHE registry [REF <ref>] | local <dir> | off: sets <type_out> (off,
# registry or local) and <ref_out> (the cache's reference or folder).
function(_multiarch_image_cache name values missing repository type_out ref_out)
  set(type off)
  set(ref "")
  if("CACHE" IN_LIST missing)
    _multiarch_fail("${name}" "CACHE needs a value: CACHE registry [REF <ref>], CACHE local <dir> or CACHE off.")
  endif()
  if(values)
    list(LENGTH values n)
    list(GET values 0 kind)
    if(kind STREQUAL "off" AND n EQUAL 1)
    elseif(kind STREQUAL "registry" AND n EQUAL 1)
      set(type registry)
      set(ref "${repository}:buildcache")
    elseif(kind STREQUAL "registry" AND n EQUAL 3)
      list(GET values 1 ref_kw)
      list(GET values 2 ref)
      if(NOT ref_kw STREQUAL "REF" OR NOT ref MATCHES "^[a-z0-9][A-Za-z0-9._:/-]*$")
        string(JOIN " " given ${values})
        _multiarch_fail("${name}" "CACHE registry REF \"${ref}\" is not a reference (from \"CACHE ${given}\"): "
          "expected CACHE registry REF <repository>:<tag>, e.g. CACHE registry REF registry.example.com/app:buildcache.")
      endif()
      set(type registry)
    elseif(kind STREQUAL "local" AND n EQUAL 2)
      list(GET values 1 ref)
      cmake_path(ABSOLUTE_PATH ref BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)
      set(type local)
    else()
      string(JOIN " " given ${values})
      _multiarch_fail("${name}" "CACHE \"${given}\" is not registry [REF <ref>], local <dir> or off.")
    endif()
  endif()
  set(${type_out} "${type}" PARENT_SCOPE)
  set(${ref_out} "${ref}" PARENT_SCOPE)
endfunction()

function(_multiarch_image_check_annotations name annotations platforms)
  foreach(a IN LISTS annotations)
    _multiarch_annotation_parts("${a}" annotation)
    if(annotation_TYPE STREQUAL "")
      _multiarch_fail("${name}" "ANNOTATIONS value \"${a}\" is not [index:|manifest:|"
        "manifest[<platform>]:]key=value, e.g. index:org.opencontainers.image.vendor=Example.")
    endif()
    if(annotation_TYPE MATCHES "^manifest\\[(.*)\\]$" AND NOT CMAKE_MATCH_1 IN_LIST platforms)
      string(JOIN " " platform_text ${platforms})
      _multiarch_fail("${name}" "ANNOTATIONS value \"${a}\" names platform \"${CMAKE_MATCH_1}\", "
        "which is not one of PLATFORMS (${platform_text}).")
    endif()
  endforeach()
endfunction()

function(_multiarch_image_check_tags name tags promote_tags)
  foreach(keyword TAGS PROMOTE_TAGS)
    if(keyword STREQUAL "TAGS")
      set(list "${tags}")
    else()
      set(list "${promote_tags}")
    endif()
    set(seen "")
    foreach(t IN LISTS list)
      _multiarch_validate_tag_template("${t}" error)
      if(error)
        _multiarch_fail("${name}" "${keyword}: ${error}")
      endif()
      if(t IN_LIST seen)
        _multiarch_fail("${name}" "${keyword}: tag \"${t}\" is listed twice; list each tag once.")
      endif()
      list(APPEND seen "${t}")
    endforeach()
  endforeach()
  foreach(t IN LISTS promote_tags)
    if(t IN_LIST tags)
      _multiarch_fail("${name}" "tag \"${t}\" is in both TAGS and PROMOTE_TAGS; a promote tag must "
        "only move after the tests passed, so list it in PROMOTE_TAGS only.")
    endif()
  endforeach()
endfunction()

# The Dockerfile and the context, absolute, checked: sets <dockerfile_out>
# and <context_out>.  With <staged> (ARTIFACTS or INSTALL) the context is
# <build>/<name>.context and the Dockerfile the source folder's.
function(_multiarch_image_inputs name dockerfile context staged dockerfile_out context_out)
  if(staged AND dockerfile STREQUAL "")
    set(dockerfile "${CMAKE_CURRENT_SOURCE_DIR}/Dockerfile")
  endif()
  if(staged AND context STREQUAL "")
    set(context "${CMAKE_CURRENT_BINARY_DIR}/${name}.context")
  endif()
  if(context STREQUAL "")
    set(context "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  cmake_path(ABSOLUTE_PATH context BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  string(REGEX REPLACE "(.)/$" "\\1" context "${context}")
  cmake_path(IS_PREFIX CMAKE_BINARY_DIR "${context}" NORMALIZE context_in_build_tree)
  if(context_in_build_tree AND NOT EXISTS "${context}")
    file(MAKE_DIRECTORY "${context}")
  endif()
  if(NOT IS_DIRECTORY "${context}")
    _multiarch_fail("${name}" "CONTEXT \"${context}\" is not a directory; "
      "give the folder that holds the files the Dockerfile copies.")
  endif()
  if(dockerfile STREQUAL "")
    set(dockerfile "${context}/Dockerfile")
  endif()
  cmake_path(ABSOLUTE_PATH dockerfile BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
  if(IS_DIRECTORY "${dockerfile}")
    _multiarch_fail("${name}" "DOCKERFILE \"${dockerfile}\" is a directory; name the file, "
      "e.g. DOCKERFILE ${dockerfile}/Dockerfile.")
  elseif(NOT EXISTS "${dockerfile}")
    _multiarch_fail("${name}" "DOCKERFILE \"${dockerfile}\" does not exist; create it or "
      "point DOCKERFILE at the right file.")
  endif()
  set(${dockerfile_out} "${dockerfile}" PARENT_SCOPE)
  set(${context_out} "${context}" PARENT_SCOPE)
endfunction()

# <out>: SECRETS checked (id=<id>,src=<file outside the context> or
# id=<id>,env=<VARIABLE>), file paths made absolute.
function(_multiarch_image_secrets name given context out)
  set(secrets "")
  foreach(secret IN LISTS given)
    if(NOT secret MATCHES "^id=([A-Za-z0-9_.-]+),(src|env)=(.+)$")
      _multiarch_fail("${name}" "SECRETS value \"${secret}\" is not id=<id>,src=<file> or "
        "id=<id>,env=<VARIABLE>; name where the secret is, never the secret itself.")
    endif()
    set(id "${CMAKE_MATCH_1}")
    set(kind "${CMAKE_MATCH_2}")
    set(where "${CMAKE_MATCH_3}")
    if(kind STREQUAL "src")
      cmake_path(ABSOLUTE_PATH where BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
      cmake_path(IS_PREFIX context "${where}" NORMALIZE in_context)
      if(in_context)
        _multiarch_fail("${name}" "secret \"${id}\" file \"${where}\" lies inside CONTEXT "
          "\"${context}\", whose files the build sends and may copy into the image; "
          "keep secrets outside the build context.")
      endif()
    elseif(NOT where MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      _multiarch_fail("${name}" "secret \"${id}\": \"${where}\" is not an environment variable name "
        "(letters, digits and _, not starting with a digit); write id=<id>,env=<VARIABLE>.")
    endif()
    list(APPEND secrets "id=${id},${kind}=${where}")
  endforeach()
  set(${out} "${secrets}" PARENT_SCOPE)
endfunction()

# In the calling function: arg_<field> for every field of description <d>,
# and the short names the rooms use (name, platforms, secrets, ...).
macro(_multiarch_image_unpack d)
  _multiarch_image_fields(fields)
  foreach(field IN LISTS fields)
    string(CONCAT arg_${field} "${${d}_${field}}")  # (a value may be PARENT_SCOPE)
  endforeach()
  set(name "${arg_NAME}")
  set(platforms "${arg_PLATFORMS}")
  set(secrets "${arg_SECRETS}")
  set(install_given "${arg_INSTALL_GIVEN}")
  set(state_dir "${arg_STATE_DIR}")
  set(image_json "${arg_IMAGE_JSON}")
  set(image_file "${arg_IMAGE_FILE}")
  _multiarch_docker(docker)
endmacro()

# Writes <d>_IMAGE_FILE, the image.cmake every helper script of the image
# reads (values in bracket arguments: verbatim, whatever they hold).
function(_multiarch_image_write d)
  _multiarch_image_unpack(${d})

  string(REGEX MATCH "^[^/]+" registry_host "${arg_REPOSITORY}")
  set(plain_http FALSE)
  if(registry_host IN_LIST MULTIARCH_PLAIN_HTTP_REGISTRIES)
    set(plain_http TRUE)
  endif()
  set(cache_plain_http FALSE)
  if(arg_CACHE_TYPE STREQUAL "registry")
    string(REGEX MATCH "^[^/]+" cache_host "${arg_CACHE_REF}")
    if(cache_host IN_LIST MULTIARCH_PLAIN_HTTP_REGISTRIES)
      set(cache_plain_http TRUE)
    endif()
  endif()
  set(git "${MULTIARCH_GIT_EXECUTABLE}")
  if(NOT git)
    set(git "")
  endif()
  set(dry_run OFF)
  if(MULTIARCH_DRY_RUN)
    set(dry_run ON)
  endif()
  set(bake_file "${CMAKE_CURRENT_BINARY_DIR}/${name}.bake.json")
  string(REGEX REPLACE "[^A-Za-z0-9_-]" "_" bake_target "${name}")
  set(content "")
  _multiarch_set_lines(content
    MULTIARCH_NAME "${name}"
    MULTIARCH_REPOSITORY "${arg_REPOSITORY}"
    MULTIARCH_PLATFORMS "${platforms}"
    MULTIARCH_TAGS "${arg_TAGS}"
    MULTIARCH_PROMOTE_TAGS "${arg_PROMOTE_TAGS}"
    MULTIARCH_DOCKERFILE "${arg_DOCKERFILE}"
    MULTIARCH_CONTEXT "${arg_CONTEXT}"
    MULTIARCH_BUILD_ARGS "${arg_BUILD_ARGS}"
    MULTIARCH_LABELS "${arg_LABELS}"
    MULTIARCH_ANNOTATIONS "${arg_ANNOTATIONS}"
    MULTIARCH_METADATA "${arg_METADATA}"
    MULTIARCH_IMAGE_VERSION "${arg_VERSION}"
    MULTIARCH_LICENSES "${arg_LICENSES}"
    MULTIARCH_PROJECT_NAME "${PROJECT_NAME}"
    MULTIARCH_PROJECT_DESCRIPTION "${PROJECT_DESCRIPTION}"
    MULTIARCH_PROJECT_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}"
    MULTIARCH_SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}"
    MULTIARCH_GIT "${git}"
    MULTIARCH_IMAGE_DRY_RUN "${dry_run}"
    MULTIARCH_BAKE_FILE "${bake_file}"
    MULTIARCH_BAKE_TARGET "${bake_target}"
    MULTIARCH_SECRETS "${secrets}"
    MULTIARCH_BUILDER "${arg_BUILDER}"
    MULTIARCH_IMAGE_JSON "${image_json}"
    MULTIARCH_STATE_DIR "${state_dir}"
    MULTIARCH_DOCKER "${docker}"
    MULTIARCH_PLAIN_HTTP "${plain_http}"
    MULTIARCH_BUILD_TARGET "${name}"
    MULTIARCH_BUILD_DIR "${CMAKE_BINARY_DIR}"
    MULTIARCH_REPRODUCIBLE "${arg_REPRODUCIBLE}"
    MULTIARCH_PROVENANCE "${arg_PROVENANCE}"
    MULTIARCH_SBOM "${arg_SBOM}"
    MULTIARCH_CACHE_TYPE "${arg_CACHE_TYPE}"
    MULTIARCH_CACHE_REF "${arg_CACHE_REF}"
    MULTIARCH_CACHE_PLAIN_HTTP "${cache_plain_http}"
    MULTIARCH_PORTABILITY_FILE "${arg_PORTABILITY_FILE}"
    MULTIARCH_STAMP_FILE "${arg_STAMP_FILE}"
    MULTIARCH_DEPFILE "${arg_DEPFILE}"
    MULTIARCH_METADATA_FILE "${arg_METADATA_FILE}"
    MULTIARCH_INSPECTION_FILE "${arg_INSPECTION_FILE}"
    MULTIARCH_BUILDER_FILE "${arg_BUILDER_FILE}")
  _multiarch_write_input("${image_file}" "add_multiarch_image(${name})" "${content}")
endfunction()

# Declares image <d>_NAME: the ARTIFACTS and portability checks, the push
# (a custom command with a stamp and a depfile), the target <name> and its
# properties, and promotion (<name>-promote, signing).
function(_multiarch_image_declare d)
  _multiarch_image_unpack(${d})

  # ARTIFACTS: built per platform and copied into the context first; the
  # push then also depends on <state_dir>/artifacts.stamp (Artifacts.cmake).
  _multiarch_artifacts_declare(NAME "${name}" PLATFORMS ${platforms} CONTEXT "${arg_CONTEXT}"
    STATE_DIR "${state_dir}" ARTIFACTS ${arg_ARTIFACTS} DESTINATION "${arg_DESTINATION}"
    RUNTIME_LIBRARIES "${arg_RUNTIME_LIBRARIES}" TOOLCHAINS ${arg_TOOLCHAINS}
    INSTALL_GIVEN ${install_given} INSTALL ${arg_INSTALL}
    IMAGE_FILE "${image_file}" DEPENDS_VAR arg_DEPENDS)
  if(arg_REPRODUCIBLE)
    # The host build maps its folders away in these (and what they link).
    set_property(GLOBAL APPEND PROPERTY _MULTIARCH_REPRODUCIBLE_ARTIFACTS ${arg_ARTIFACTS})
  endif()

  # The push is a custom command with a stamp: it reruns only when its
  # arguments (image.cmake), the Dockerfile, a DEPENDS target or file, or a
  # file the build would send from the context changed.  BuildImage.cmake
  # runs the context check (Portability.cmake declares its settings), whose
  # walk of the context (after .dockerignore) writes the depfile, and writes
  # the stamp last, so a failed build leaves none.
  set(stamp "${arg_STAMP_FILE}")
  string(JOIN " " platform_text ${platforms})
  _multiarch_portability_declare("${name}" "${platforms}" "${image_file}" "${arg_PORTABILITY_FILE}"
    "${state_dir}" "${arg_DEPENDS}" "${arg_PORTABILITY_CHECK}" "${arg_PORTABILITY_ALLOW}"
    portability_results)
  add_custom_command(OUTPUT "${stamp}"
    COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${image_file}"
            "-DMULTIARCH_AUDIT_TOOL=$<TARGET_FILE:MultiArchImage::audit>"
            -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/BuildImage.cmake"
    # The Dockerfile is listed in the depfile, not here: if it goes missing,
    # BuildImage.cmake says so instead of the generator's "no rule".
    DEPENDS "${image_file}" "${arg_PORTABILITY_FILE}" ${arg_DEPENDS}
    DEPFILE "${arg_DEPFILE}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "Building and pushing multi-platform image ${arg_REPOSITORY} (${platform_text})"
    USES_TERMINAL VERBATIM)
  add_custom_target(${name} DEPENDS "${stamp}")
  set_target_properties(${name} PROPERTIES
    MULTIARCH_REPOSITORY "${arg_REPOSITORY}"
    MULTIARCH_PLATFORMS "${platforms}"
    MULTIARCH_TAGS "${arg_TAGS}"
    MULTIARCH_PROMOTE_TAGS "${arg_PROMOTE_TAGS}"
    MULTIARCH_IMAGE_JSON "${image_json}"
    MULTIARCH_REQUIRED_RESULTS "${portability_results}")
  # DEPENDS that are neither targets nor files are reported at the end of the
  # directory, when every target of it has been declared.
  _multiarch_bracket(quoted_name "${name}")
  _multiarch_bracket(quoted_depends "${arg_DEPENDS}")
  cmake_language(EVAL CODE "
    cmake_language(DEFER CALL _multiarch_check_depends ${quoted_name} ${quoted_depends})")

  _multiarch_ensure_aggregate(image "Building and pushing every multi-platform image")
  add_dependencies(image ${name})

  # Promotion reads the list of required test results when the build system
  # is generated, so smoke tests declared after the image count too.
  set(promote_file "${state_dir}/promote.cmake")
  # Signing settings go to promote.cmake, not image.cmake: a new key must
  # not push the image again (a new digest would need testing again).
  # (Tags and keyword names are not passed on as they are: a value equal to
  # a keyword of the helper would be taken for that keyword.)
  list(LENGTH arg_PROMOTE_TAGS promote_count)
  list(TRANSFORM arg_MISSING_VALUES PREPEND "missing:" OUTPUT_VARIABLE missing_values)
  _multiarch_signing_declare(NAME "${name}" SIGN_KEY "${arg_SIGN_KEY}" VERIFY_KEY "${arg_VERIFY_KEY}"
    SIGN_RECURSIVE "${arg_SIGN_RECURSIVE}" PROMOTE_TAG_COUNT ${promote_count}
    MISSING_VALUES ${missing_values} IMAGE_FILE "${image_file}" STATE_DIR "${state_dir}"
    LINES_VAR signing_lines)
  # The required results are known when the build system is generated.
  set(content "")
  _multiarch_set_lines(content MULTIARCH_IMAGE_FILE "${image_file}")
  string(APPEND content "include(\"\${MULTIARCH_IMAGE_FILE}\")\n")
  _multiarch_set_generated_line(content MULTIARCH_REQUIRED_RESULTS
    "$<TARGET_PROPERTY:${name},MULTIARCH_REQUIRED_RESULTS>")
  string(APPEND content "${signing_lines}")
  _multiarch_write_input("${promote_file}" "add_multiarch_image(${name})" "${content}" GENERATE)
  string(JOIN " " promote_text ${arg_PROMOTE_TAGS})
  add_custom_target(${name}-promote
    COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${promote_file}"
            -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/Promote.cmake"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "Promoting ${arg_REPOSITORY} to ${promote_text}"
    USES_TERMINAL VERBATIM)
  _multiarch_ensure_aggregate(image-promote "Promoting every multi-platform image whose tests passed")
  add_dependencies(image-promote ${name}-promote)
endfunction()

# Checks SIGN_KEY, VERIFY_KEY and SIGN_RECURSIVE of image NAME (MISSING_VALUES:
# missing:<keyword> for each keyword of add_multiarch_image given without a
# value; PROMOTE_TAG_COUNT: how many PROMOTE_TAGS it has); sets LINES_VAR to
# the set() lines promotion reads, and, with VERIFY_KEY, adds
# the test <name>[signature] (label signature: it runs after promotion, so
# not with the multiarch tests, and promotion does not require it).  Keys
# are files or KMS URIs, never key text, and no password passes through
# CMake: cosign reads COSIGN_PASSWORD from the environment.
function(_multiarch_signing_declare)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "NAME;SIGN_KEY;VERIFY_KEY;SIGN_RECURSIVE;PROMOTE_TAG_COUNT;IMAGE_FILE;STATE_DIR;LINES_VAR"
    "MISSING_VALUES")
  set(name "${arg_NAME}")
  set(sign_key "${arg_SIGN_KEY}")
  set(verify_key "${arg_VERIFY_KEY}")
  set(recursive "${arg_SIGN_RECURSIVE}")
  foreach(keyword SIGN_KEY VERIFY_KEY SIGN_RECURSIVE)
    if("missing:${keyword}" IN_LIST arg_MISSING_VALUES)
      _multiarch_fail("${name}" "${keyword} is given without a value (or with \"\"); "
        "write ${keyword} <value> or leave the keyword out.")
    endif()
  endforeach()
  foreach(keyword SIGN_KEY VERIFY_KEY)
    string(TOLOWER "${keyword}" var)
    set(key "${${var}}")
    if(key STREQUAL "")
      continue()
    endif()
    if(key MATCHES "-----BEGIN|\n")
      _multiarch_fail("${name}" "${keyword} holds key text; give the path of the key file (e.g. "
        "${keyword} ci/cosign.pub) or a KMS URI. Keys in CMake would land in the cache and in "
        "generated files.")
    endif()
    if(key MATCHES "\\$<")
      _multiarch_fail("${name}" "${keyword} \"${key}\" holds a generator expression; give a plain path.")
    endif()
    if(NOT key MATCHES "^[a-z0-9]+://|^pkcs11:")  # else a KMS URI, passed to cosign as it is
      cmake_path(ABSOLUTE_PATH key BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    endif()
    set(${var} "${key}")
  endforeach()
  if(NOT sign_key STREQUAL "" AND arg_PROMOTE_TAG_COUNT EQUAL 0)
    _multiarch_fail("${name}" "SIGN_KEY signs the tested digest when <name>-promote moves the "
      "PROMOTE_TAGS, and there are none; add PROMOTE_TAGS <tag>... or remove SIGN_KEY.")
  endif()
  string(TOUPPER "${recursive}" recursive_upper)
  if(recursive STREQUAL "")
    set(recursive OFF)
  elseif(NOT recursive_upper MATCHES "^(ON|OFF|TRUE|FALSE|YES|NO|Y|N|1|0)$")
    _multiarch_fail("${name}" "SIGN_RECURSIVE \"${recursive}\" is not ON or OFF.")
  elseif(recursive)
    set(recursive ON)
  else()
    set(recursive OFF)
  endif()
  set(cosign "${MULTIARCH_COSIGN_EXECUTABLE}")
  set(lines "")
  _multiarch_set_lines(lines MULTIARCH_SIGN_KEY "${sign_key}" MULTIARCH_SIGN_RECURSIVE "${recursive}"
    MULTIARCH_COSIGN "${cosign}" MULTIARCH_SIGN_OFFLINE "${MULTIARCH_SIGN_OFFLINE}")
  if(NOT verify_key STREQUAL "")
    set(verify_file "${arg_STATE_DIR}/signature.cmake")
    set(content "")
    _multiarch_set_lines(content MULTIARCH_IMAGE_FILE "${arg_IMAGE_FILE}")
    string(APPEND content "include(\"\${MULTIARCH_IMAGE_FILE}\")\n${lines}")
    _multiarch_set_lines(content MULTIARCH_VERIFY_KEY "${verify_key}")
    _multiarch_write_input("${verify_file}" "add_multiarch_image(${name} ... VERIFY_KEY)" "${content}")
    _multiarch_enable_testing()
    add_test(NAME "${name}[signature]"
      COMMAND "${CMAKE_COMMAND}" "-DMULTIARCH_INPUT_FILE=${verify_file}"
              -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/Scripts/Verify.cmake")
    set_tests_properties("${name}[signature]" PROPERTIES LABELS "signature" TIMEOUT 300)
  endif()
  set(${arg_LINES_VAR} "${lines}" PARENT_SCOPE)
endfunction()

function(_multiarch_check_depends name depends)
  foreach(dep IN LISTS depends)
    if(TARGET "${dep}")
      continue()
    endif()
    cmake_path(ABSOLUTE_PATH dep BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    get_source_file_property(generated "${dep}" GENERATED)
    if(NOT EXISTS "${dep}" AND NOT generated)
      message(FATAL_ERROR "add_multiarch_image(${name}): DEPENDS \"${dep}\" is neither a target "
        "nor an existing or generated file; name a target of this project or a file.")
    endif()
  endforeach()
endfunction()
