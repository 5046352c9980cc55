// libFuzzer driver: one packet through the tcpdump renderer (see fuzz_targets.hpp).
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tcplens::fuzz::render_one(data, size);
  return 0;
}
