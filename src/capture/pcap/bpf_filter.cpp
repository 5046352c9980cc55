#include "tcplens/capture/pcap/bpf_filter.hpp"

#include <pcap/pcap.h>

namespace tcplens {

struct BpfFilter::Program {
  bpf_program code{};
  ~Program() { pcap_freecode(&code); }
};

int linktype_to_dlt(std::uint32_t linktype) {
  switch (linktype) {
    case 101: return DLT_RAW;          // LINKTYPE_RAW
    case 100: return DLT_ATM_RFC1483;  // LINKTYPE_ATM_RFC1483
    case 102: return DLT_SLIP_BSDOS;
    case 103: return DLT_PPP_BSDOS;
    default: return static_cast<int>(linktype);
  }
}

std::uint32_t dlt_to_linktype(int dlt) {
  switch (dlt) {
    case DLT_RAW: return 101;
    case DLT_ATM_RFC1483: return 100;
    case DLT_SLIP_BSDOS: return 102;
    case DLT_PPP_BSDOS: return 103;
    default: return static_cast<std::uint32_t>(dlt);
  }
}

std::unique_ptr<BpfFilter> BpfFilter::compile(const std::string& expression,
                                              std::uint32_t linktype, std::uint32_t snaplen,
                                              std::string& error) {
  pcap_t* dead = pcap_open_dead(linktype_to_dlt(linktype), static_cast<int>(snaplen));
  if (dead == nullptr) {
    error = "pcap_open_dead failed";
    return nullptr;
  }
  std::unique_ptr<BpfFilter> filter(new BpfFilter());
  filter->program_ = std::make_unique<Program>();
  if (pcap_compile(dead, &filter->program_->code, expression.c_str(), 1,
                   0) < 0) {
    error = pcap_geterr(dead);
    pcap_close(dead);
    return nullptr;
  }
  pcap_close(dead);
  return filter;
}

BpfFilter::~BpfFilter() = default;

bool BpfFilter::matches(const RawPacket& packet) const {
  pcap_pkthdr header{};
  header.caplen = packet.caplen;
  header.len = packet.wirelen;
  return pcap_offline_filter(&program_->code, &header, packet.data.data()) != 0;
}

}  // namespace tcplens
