// libFuzzer driver: a display filter compiled and evaluated on packets (fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tcplens::fuzz::filter_one(data, size);
  return 0;
}
