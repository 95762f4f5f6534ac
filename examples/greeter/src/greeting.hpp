#pragma once
#include <string>

// "Hello, <who>! crc32=<hex>", the CRC-32 of <who> computed by zlib.
std::string greeting(const std::string& who);
// zlib's version, as the loaded library reports it.
std::string zlib_runtime_version();
