#include "greeting.hpp"

#include <zlib.h>

#include <cstdio>

std::string greeting(const std::string& who) {
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(who.data()), static_cast<uInt>(who.size()));
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc));
  return "Hello, " + who + "! crc32=" + hex;
}

std::string zlib_runtime_version() { return zlibVersion(); }
