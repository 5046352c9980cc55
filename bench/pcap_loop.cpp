// The floor for per-packet work: a plain libpcap pcap_next_ex() loop that only counts
// packets and bytes. bench/run-analyze-bench.sh compares tcplens analyze with it.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pcap_loop FILE\n");
    return 2;
  }
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(argv[1], errbuf);
  if (p == nullptr) {
    std::fprintf(stderr, "pcap_loop: %s\n", errbuf);
    return 1;
  }
  pcap_pkthdr* header;
  const u_char* data;
  std::uint64_t packets = 0, bytes = 0;
  int rc;
  while ((rc = pcap_next_ex(p, &header, &data)) == 1) {
    ++packets;
    bytes += header->caplen;
  }
  pcap_close(p);
  std::printf("%llu packets, %llu bytes\n", static_cast<unsigned long long>(packets),
              static_cast<unsigned long long>(bytes));
  return rc == PCAP_ERROR ? 1 : 0;
}
