// Fuzz target: a whole capture file (pcap or pcapng) through the reader and the renderer.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "tcplens/capture/pcap_file_source.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  char path[] = "/tmp/fuzz-pcap-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    unlink(path);
    return 0;
  }
  close(fd);
  std::string error;
  auto source = tcplens::PcapFileSource::open(path, error);
  if (source) {
    tcplens::Output out(-1, 1 << 16);
    tcplens::TcpdumpRenderer renderer(out, tcplens::TcpdumpOptions{});
    tcplens::RawPacket packet;
    for (int i = 0; i < 10000 && source->next(packet) == tcplens::ReadStatus::Ok; ++i) {
      renderer.render(packet);
      out.clear();
    }
  }
  unlink(path);
  return 0;
}
