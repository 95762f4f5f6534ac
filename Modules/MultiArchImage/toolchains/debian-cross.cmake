# Shared part of MultiArchImage's toolchain files for Debian's cross
# compilers (linux-<arch>.cmake beside this file set CMAKE_SYSTEM_PROCESSOR,
# the compilers and CMAKE_LIBRARY_ARCHITECTURE, the Debian multiarch triplet,
# then include this file).  Where the target's libraries, headers, CMake
# packages and pkg-config files are searched:
#
# * With CMAKE_SYSROOT (e.g. -DCMAKE_SYSROOT=/srv/sysroots/arm64, passed to
#   one platform's sub-build through MULTIARCH_SUBBUILD_CMAKE_ARGS_linux_arm64):
#   the sysroot, laid out as a Debian root (usr/lib/<triplet>, usr/include,
#   usr/include/<triplet>, usr/lib/<triplet>/pkgconfig), and the cross C
#   library in /usr/<triplet>.  Nothing of the host.
# * Without: Debian multiarch -dev packages installed on the host
#   (apt install zlib1g-dev:arm64): /usr/lib/<triplet>, /usr/include/<triplet>
#   and the shared /usr/include, /usr/lib/<triplet>/cmake, and the cross C
#   library in /usr/<triplet>.  The folders that hold the host's own (or any
#   other architecture's) libraries are ignored: /usr/lib/<other triplet>,
#   /usr/lib, /usr/local/lib, lib32, lib64, libx32.  A library
#   installed only for the host is not found, rather than found and then
#   failing to link (or linked into the wrong variant).
#
# pkg-config: PKG_CONFIG_LIBDIR names the target's folders only (in the
# sysroot when one is set, with PKG_CONFIG_SYSROOT_DIR), so the host's .pc
# files are never read; Debian's <triplet>-pkg-config is used when it is
# installed (apt install pkgconf:<arch>).  PKG_CONFIG_PATH, if the user sets
# one, is searched first as usual.
#
# Programs (code generators, tools) are always searched on the host.

if(NOT CMAKE_LIBRARY_ARCHITECTURE)
  message(FATAL_ERROR "debian-cross.cmake: set CMAKE_LIBRARY_ARCHITECTURE (the Debian triplet, "
    "e.g. aarch64-linux-gnu) before including it.")
endif()
set(_multiarch_triplet "${CMAKE_LIBRARY_ARCHITECTURE}")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

if(CMAKE_SYSROOT)
  # CMake searches below CMAKE_SYSROOT first by itself; /usr/<triplet> holds
  # the cross C library the compiler uses whatever the sysroot.
  set(CMAKE_FIND_ROOT_PATH "/usr/${_multiarch_triplet}")
  set(_multiarch_pc_root "${CMAKE_SYSROOT}")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${CMAKE_SYSROOT}")
else()
  # "/" makes the host's multiarch folders of this triplet visible
  # (CMake adds lib/<CMAKE_LIBRARY_ARCHITECTURE> and include/<...> to every
  # prefix); the list below hides the folders that hold other
  # architectures' libraries.
  set(CMAKE_FIND_ROOT_PATH "/usr/${_multiarch_triplet}" "/")
  set(_multiarch_pc_root "")
  unset(ENV{PKG_CONFIG_SYSROOT_DIR})
  # CMake applies these below every root too: "/lib" would also hide
  # /usr/<triplet>/lib, the cross C library, so it is not listed (on a
  # merged-/usr host it is /usr/lib, which is listed).
  set(_multiarch_ignore
    /usr/lib /usr/local/lib /lib32 /lib64 /libx32
    /usr/lib32 /usr/lib64 /usr/libx32 /usr/local/lib32 /usr/local/lib64)
  foreach(_multiarch_other IN ITEMS
      x86_64-linux-gnu aarch64-linux-gnu arm-linux-gnueabihf arm-linux-gnueabi
      i386-linux-gnu riscv64-linux-gnu powerpc64le-linux-gnu s390x-linux-gnu
      mips64el-linux-gnuabi64 mipsel-linux-gnu powerpc-linux-gnu powerpc64-linux-gnu
      x86_64-linux-gnux32 loongarch64-linux-gnu sparc64-linux-gnu alpha-linux-gnu
      hppa-linux-gnu m68k-linux-gnu sh4-linux-gnu ia64-linux-gnu)
    if(NOT _multiarch_other STREQUAL _multiarch_triplet)
      list(APPEND _multiarch_ignore
        "/lib/${_multiarch_other}" "/usr/lib/${_multiarch_other}"
        "/usr/local/lib/${_multiarch_other}")
    endif()
  endforeach()
  list(APPEND CMAKE_SYSTEM_IGNORE_PATH ${_multiarch_ignore})
  list(REMOVE_DUPLICATES CMAKE_SYSTEM_IGNORE_PATH)
  unset(_multiarch_ignore)
  unset(_multiarch_other)
endif()

# pkg-config reads the target's .pc files only (the environment of this
# CMake run: configure and its checks; nothing at build time needs it).
# /usr/lib/pkgconfig only in a sysroot: on the host it is the host's.
set(_multiarch_pc "${_multiarch_pc_root}/usr/local/lib/${_multiarch_triplet}/pkgconfig"
  "${_multiarch_pc_root}/usr/lib/${_multiarch_triplet}/pkgconfig")
if(CMAKE_SYSROOT)
  list(APPEND _multiarch_pc "${_multiarch_pc_root}/usr/lib/pkgconfig")
endif()
list(APPEND _multiarch_pc "${_multiarch_pc_root}/usr/share/pkgconfig")
string(REPLACE ";" ":" _multiarch_pc "${_multiarch_pc}")
set(ENV{PKG_CONFIG_LIBDIR} "${_multiarch_pc}")
unset(_multiarch_pc)
if(NOT PKG_CONFIG_EXECUTABLE AND NOT DEFINED ENV{PKG_CONFIG})
  find_program(_MULTIARCH_PKG_CONFIG_${_multiarch_triplet} NAMES "${_multiarch_triplet}-pkg-config"
    NO_CMAKE_FIND_ROOT_PATH DOC "Debian's pkg-config for ${_multiarch_triplet}")
  mark_as_advanced(_MULTIARCH_PKG_CONFIG_${_multiarch_triplet})
  if(_MULTIARCH_PKG_CONFIG_${_multiarch_triplet})
    set(PKG_CONFIG_EXECUTABLE "${_MULTIARCH_PKG_CONFIG_${_multiarch_triplet}}")
  endif()
endif()
unset(_multiarch_pc_root)
unset(_multiarch_triplet)
