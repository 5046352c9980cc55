// The field registry (Wireshark's names and types, tshark 4.0) and the extractors that read
// each field's occurrences from a PacketEvent or a ConnectionRecord.
//
// Where a value comes from: frame.* from the raw packet and the engine's clock; link, IP and
// transport headers from the DecodedPacket and, for header bits it does not keep, from the
// raw bytes of the outermost header; tcp.seq/ack/window from StreamTracker::numbers() (as
// tshark's single pass shows them); tcp.analysis.* from the TcpPacketAnalysis; http.* and
// dns.* from the AppResult; conn.* from the ConnectionRecord.
#include <algorithm>
#include <initializer_list>
#include <cctype>
#include <cstring>

#include "dfilter/app.hpp"
#include "dfilter/program.hpp"
#include "render/wireshark/dns_info.hpp"
#include "render/wireshark/tls_info.hpp"
#include "tcplens/capture/link_type.hpp"
#include "tcplens/wire/ip.hpp"
#include "tcplens/engine/connection_record.hpp"
#include "tcplens/engine/packet_event.hpp"
#include "tcplens/engine/sink.hpp"

namespace tcplens::dfilter {

namespace {

enum F : std::uint16_t {
  kFrame, kFrameNumber, kFrameLen, kFrameCapLen, kFrameTimeRelative, kFrameTimeDelta, kFrameTimeEpoch,
  kFrameTime,
  kEth, kEthDst, kEthSrc, kEthAddr, kEthType, kEthIg, kEthLg, kEthDstIg, kEthDstLg, kEthSrcIg, kEthSrcLg,
  kVlan, kVlanId, kVlanPriority, kVlanCfi, kVlanEtype,
  kArp, kArpHwType, kArpProtoType, kArpHwSize, kArpProtoSize, kArpOpcode, kArpSrcHw, kArpSrcIp, kArpDstHw,
  kArpDstIp,
  kSll, kNullLink, kGre, kErspan, kVxlan, kGeneve, kTeredo, kGtp, kL2tp, kMpls, kPpp, kPppoes, kLlc, kChdlc,
  kWlan, kRadiotap, kEsp,
  kIp, kIpVersion, kIpHdrLen, kIpDsfield, kIpDscp, kIpEcn, kIpLen, kIpId, kIpFlags, kIpFlagsRb, kIpFlagsDf,
  kIpFlagsMf, kIpFragOffset, kIpTtl, kIpProto, kIpChecksum, kIpSrc, kIpDst, kIpAddr, kIpSrcHost, kIpDstHost,
  kIpHost,
  kIpv6, kIpv6Version, kIpv6Tclass, kIpv6Flow, kIpv6Plen, kIpv6Nxt, kIpv6Hlim, kIpv6Src, kIpv6Dst, kIpv6Addr,
  kTcp, kTcpSrcPort, kTcpDstPort, kTcpPort, kTcpStream, kTcpCompleteness, kTcpLen, kTcpSeq, kTcpSeqRaw,
  kTcpNxtSeq, kTcpAck, kTcpAckRaw, kTcpHdrLen, kTcpFlags, kTcpFlagsRes, kTcpFlagsAe, kTcpFlagsCwr,
  kTcpFlagsEce, kTcpFlagsAce, kTcpFlagsStr, kTcpAckNonzero, kTcpChecksumStatus, kTcpOptionKind, kTcpOptionLen,
  kTcpFlagsUrg, kTcpFlagsAck, kTcpFlagsPush, kTcpFlagsReset, kTcpFlagsSyn, kTcpFlagsFin,
  kTcpWindowSizeValue, kTcpWindowSize, kTcpWindowScale, kTcpChecksum, kTcpUrgentPointer, kTcpOptions,
  kTcpOptMss, kTcpOptMssVal, kTcpOptWscale, kTcpOptWscaleShift, kTcpOptWscaleMult, kTcpOptSackPerm,
  kTcpOptSack, kTcpOptSackLe, kTcpOptSackRe, kTcpOptTimestamp, kTcpOptTsval, kTcpOptTsecr, kTcpPayload,
  kTcpTimeRelative, kTcpTimeDelta,
  kTcpAnalysis, kTcpAnalysisFlags, kTcpAckRtt, kTcpAcksFrame, kTcpInitialRtt, kTcpBytesInFlight,
  kTcpDupAckNum, kTcpDupAckFrame,
  kTcpAnomalyFirst,  // one per Anomaly, in its order
  kUdp = kTcpAnomalyFirst + kAnomalyCount, kUdpSrcPort, kUdpDstPort, kUdpPort, kUdpLength, kUdpChecksum,
  kUdpPayload,
  kIcmp, kIcmpType, kIcmpCode, kIcmpChecksum, kIcmpIdent, kIcmpSeq,
  kIcmpv6, kIcmpv6Type, kIcmpv6Code, kIcmpv6Checksum,
  kDns, kDnsId, kDnsFlags, kDnsResponse, kDnsOpcode, kDnsAuthoritative, kDnsTruncated, kDnsRecDesired,
  kDnsRecAvail, kDnsRcode, kDnsCountQueries, kDnsCountAnswers, kDnsCountAuth, kDnsCountAdd, kDnsQryName,
  kDnsQryType, kDnsQryClass, kDnsRespName, kDnsRespType, kDnsRespTtl, kDnsA, kDnsAaaa, kDnsCname,
  kHttp, kHttpRequest, kHttpResponse, kHttpMethod, kHttpUri, kHttpReqVersion, kHttpFullUri, kHttpCode,
  kHttpPhrase, kHttpRespVersion, kHttpHost, kHttpUserAgent, kHttpContentType, kHttpContentLength,
  kHttpServer, kHttpLocation, kHttpReferer, kHttpCookie, kHttpConnection, kHttpAccept, kHttpAuthorization,
  kSsh, kSmtp, kFtp, kResp, kMdns, kLlmnr, kWebSocket, kTelnet,
  kTls, kTlsRecord, kTlsContentType, kTlsOpaqueType, kTlsRecordVersion, kTlsRecordLength, kTlsHandshake,
  kTlsHandshakeType, kTlsHandshakeVersion, kTlsServerName, kTlsCiphersuite, kTlsChangeCipherSpec,
  kTlsAlertMessage, kTlsAlertLevel, kTlsAlertDesc,
  kConn, kConnHandshake, kConnTeardown, kConnInitiator, kConnResetBy, kConnTimeWait, kConnClientState,
  kConnServerState, kConnIrtt, kConnBytes, kConnRetransmissions, kConnDuration, kConnZeekState,
  kConnStream, kConnCompleteness,
  kFieldCount,
};

constexpr std::uint32_t kD = need::kDecode;
constexpr std::uint32_t kT = need::kDecode | need::kTrack;
constexpr std::uint32_t kS = need::kDecode | need::kTrack | need::kStreamNumbers;
constexpr std::uint32_t kC = need::kDecode | need::kTrack | need::kConnections;
constexpr std::uint32_t kZ = kC | need::kZeek;

std::vector<FieldInfo> make_registry() {
  std::vector<FieldInfo> r = {
      {"frame", FType::Protocol, kFrame, 0, "every packet; its bytes"},
      {"frame.number", FType::FrameNum, kFrameNumber, 0, "1-based number in the capture"},
      {"frame.len", FType::Uint32, kFrameLen, 0, "length on the wire"},
      {"frame.cap_len", FType::Uint32, kFrameCapLen, 0, "length captured"},
      {"frame.time_relative", FType::RelTime, kFrameTimeRelative, 0, "seconds since the first packet"},
      {"frame.time_delta", FType::RelTime, kFrameTimeDelta, 0, "seconds since the previous packet"},
      {"frame.time_epoch", FType::RelTime, kFrameTimeEpoch, 0, "seconds since 1970"},
      {"frame.time", FType::AbsTime, kFrameTime, 0, "arrival time (\"2020-01-31 12:00:00\", local time)"},
      {"eth", FType::Protocol, kEth, kD, "Ethernet"},
      {"eth.dst", FType::Ether, kEthDst, kD, "destination MAC"},
      {"eth.src", FType::Ether, kEthSrc, kD, "source MAC"},
      {"eth.addr", FType::Ether, kEthAddr, kD, "either MAC"},
      {"eth.type", FType::Uint16, kEthType, kD, "EtherType (0x8100 when tagged)"},
      {"eth.ig", FType::Boolean, kEthIg, kD, "group bit of either address"},
      {"eth.lg", FType::Boolean, kEthLg, kD, "locally administered bit of either address"},
      {"eth.dst.ig", FType::Boolean, kEthDstIg, kD, "destination is a group address"},
      {"eth.dst.lg", FType::Boolean, kEthDstLg, kD, "destination is locally administered"},
      {"eth.src.ig", FType::Boolean, kEthSrcIg, kD, "source group bit"},
      {"eth.src.lg", FType::Boolean, kEthSrcLg, kD, "source is locally administered"},
      {"vlan", FType::Protocol, kVlan, kD, "802.1Q tag (one occurrence per tag)"},
      {"vlan.id", FType::Uint16, kVlanId, kD, "VLAN identifier"},
      {"vlan.priority", FType::Uint16, kVlanPriority, kD, "priority code point"},
      {"vlan.cfi", FType::Uint16, kVlanCfi, kD, "drop eligible indicator"},
      {"vlan.etype", FType::Uint16, kVlanEtype, kD, "EtherType after the tag"},
      {"arp", FType::Protocol, kArp, kD, "ARP"},
      {"arp.hw.type", FType::Uint16, kArpHwType, kD, "hardware type"},
      {"arp.proto.type", FType::Uint16, kArpProtoType, kD, "protocol type"},
      {"arp.hw.size", FType::Uint8, kArpHwSize, kD, "hardware address size"},
      {"arp.proto.size", FType::Uint8, kArpProtoSize, kD, "protocol address size"},
      {"arp.opcode", FType::Uint16, kArpOpcode, kD, "1 request, 2 reply"},
      {"arp.src.hw_mac", FType::Ether, kArpSrcHw, kD, "sender MAC"},
      {"arp.src.proto_ipv4", FType::Ipv4, kArpSrcIp, kD, "sender IPv4 address"},
      {"arp.dst.hw_mac", FType::Ether, kArpDstHw, kD, "target MAC"},
      {"arp.dst.proto_ipv4", FType::Ipv4, kArpDstIp, kD, "target IPv4 address"},
      {"sll", FType::Protocol, kSll, kD, "Linux cooked capture (v1 or v2)"},
      {"null", FType::Protocol, kNullLink, kD, "BSD loopback (DLT_NULL, DLT_LOOP)"},
      {"gre", FType::Protocol, kGre, kD, "GRE (PPTP's enhanced GRE and ERSPAN's too)"},
      {"erspan", FType::Protocol, kErspan, kD, "ERSPAN"},
      {"vxlan", FType::Protocol, kVxlan, kD, "VXLAN (UDP 4789)"},
      {"geneve", FType::Protocol, kGeneve, kD, "Geneve (UDP 6081)"},
      {"teredo", FType::Protocol, kTeredo, kD, "Teredo (UDP 3544)"},
      {"gtp", FType::Protocol, kGtp, kD, "GTP-U (UDP 2152)"},
      {"l2tp", FType::Protocol, kL2tp, kD, "L2TPv2 (UDP 1701)"},
      {"mpls", FType::Protocol, kMpls, kD, "MPLS label stack"},
      {"ppp", FType::Protocol, kPpp, kD, "PPP"},
      {"pppoes", FType::Protocol, kPppoes, kD, "PPPoE session"},
      {"llc", FType::Protocol, kLlc, kD, "802.2 LLC"},
      {"chdlc", FType::Protocol, kChdlc, kD, "Cisco HDLC"},
      {"wlan", FType::Protocol, kWlan, kD, "IEEE 802.11"},
      {"radiotap", FType::Protocol, kRadiotap, kD, "radiotap header"},
      {"esp", FType::Protocol, kEsp, kD, "IPsec ESP (IP protocol 50)"},
      {"ip", FType::Protocol, kIp, kD, "IPv4 (each header of a tunnel, and one quoted in ICMP)"},
      {"ip.version", FType::Uint8, kIpVersion, kD, "4"},
      {"ip.hdr_len", FType::Uint8, kIpHdrLen, kD, "header length in bytes"},
      {"ip.dsfield", FType::Uint8, kIpDsfield, kD, "DS field (TOS byte)"},
      {"ip.dsfield.dscp", FType::Uint8, kIpDscp, kD, "DSCP"},
      {"ip.dsfield.ecn", FType::Uint8, kIpEcn, kD, "ECN bits"},
      {"ip.len", FType::Uint16, kIpLen, kD, "total length"},
      {"ip.id", FType::Uint16, kIpId, kD, "identification"},
      {"ip.flags", FType::Uint8, kIpFlags, kD, "flags (3 bits)"},
      {"ip.flags.rb", FType::Boolean, kIpFlagsRb, kD, "reserved bit"},
      {"ip.flags.df", FType::Boolean, kIpFlagsDf, kD, "don't fragment"},
      {"ip.flags.mf", FType::Boolean, kIpFlagsMf, kD, "more fragments"},
      {"ip.frag_offset", FType::Uint16, kIpFragOffset, kD, "fragment offset in bytes"},
      {"ip.ttl", FType::Uint8, kIpTtl, kD, "time to live"},
      {"ip.proto", FType::Uint8, kIpProto, kD, "protocol"},
      {"ip.checksum", FType::Uint16, kIpChecksum, kD, "header checksum"},
      {"ip.src", FType::Ipv4, kIpSrc, kD, "source address"},
      {"ip.dst", FType::Ipv4, kIpDst, kD, "destination address"},
      {"ip.addr", FType::Ipv4, kIpAddr, kD, "either address"},
      {"ip.src_host", FType::String, kIpSrcHost, kD, "source address as text (no name lookup)"},
      {"ip.dst_host", FType::String, kIpDstHost, kD, "destination address as text"},
      {"ip.host", FType::String, kIpHost, kD, "either address as text"},
      {"ipv6", FType::Protocol, kIpv6, kD, "IPv6"},
      {"ipv6.version", FType::Uint8, kIpv6Version, kD, "6"},
      {"ipv6.tclass", FType::Uint32, kIpv6Tclass, kD, "traffic class"},
      {"ipv6.flow", FType::Uint32, kIpv6Flow, kD, "flow label"},
      {"ipv6.plen", FType::Uint16, kIpv6Plen, kD, "payload length"},
      {"ipv6.nxt", FType::Uint8, kIpv6Nxt, kD, "next header"},
      {"ipv6.hlim", FType::Uint8, kIpv6Hlim, kD, "hop limit"},
      {"ipv6.src", FType::Ipv6, kIpv6Src, kD, "source address"},
      {"ipv6.dst", FType::Ipv6, kIpv6Dst, kD, "destination address"},
      {"ipv6.addr", FType::Ipv6, kIpv6Addr, kD, "either address"},
      {"tcp", FType::Protocol, kTcp, kD, "TCP (also a header quoted in ICMP)"},
      {"tcp.srcport", FType::Uint16, kTcpSrcPort, kD, "source port"},
      {"tcp.dstport", FType::Uint16, kTcpDstPort, kD, "destination port"},
      {"tcp.port", FType::Uint16, kTcpPort, kD, "either port"},
      {"tcp.stream", FType::Uint32, kTcpStream, kS, "stream index, as tshark numbers streams"},
      {"tcp.completeness", FType::Uint8, kTcpCompleteness, kT, "what of the connection was seen so far"},
      {"tcp.len", FType::Uint32, kTcpLen, kD, "payload length"},
      {"tcp.seq", FType::Uint32, kTcpSeq, kT, "relative sequence number"},
      {"tcp.seq_raw", FType::Uint32, kTcpSeqRaw, kD, "sequence number"},
      {"tcp.nxtseq", FType::Uint32, kTcpNxtSeq, kT, "relative next sequence number"},
      {"tcp.ack", FType::Uint32, kTcpAck, kT, "acknowledgment number: relative when ACK is set, else as sent"},
      {"tcp.ack_raw", FType::Uint32, kTcpAckRaw, kD, "acknowledgment number as sent"},
      {"tcp.ack.nonzero", FType::None, kTcpAckNonzero, kD, "the acknowledgment number is nonzero while ACK is not set"},
      {"tcp.hdr_len", FType::Uint8, kTcpHdrLen, kD, "header length in bytes"},
      {"tcp.flags", FType::Uint16, kTcpFlags, kD, "flags (12 bits)"},
      {"tcp.flags.res", FType::Boolean, kTcpFlagsRes, kD, "reserved bits"},
      {"tcp.flags.ae", FType::Boolean, kTcpFlagsAe, kT, "AE (Accurate ECN; was NS)"},
      {"tcp.flags.cwr", FType::Boolean, kTcpFlagsCwr, kT, "CWR"},
      {"tcp.flags.ece", FType::Boolean, kTcpFlagsEce, kT, "ECE"},
      {"tcp.flags.ace", FType::Uint8, kTcpFlagsAce, kT,
       "AccECN counter (AE, CWR, ECE as one number) after an AccECN SYN; then instead of the three"},
      {"tcp.flags.str", FType::String, kTcpFlagsStr, kT, "the flags as tshark draws them (\"·······A··S·\")"},
      {"tcp.flags.urg", FType::Boolean, kTcpFlagsUrg, kD, "URG"},
      {"tcp.flags.ack", FType::Boolean, kTcpFlagsAck, kD, "ACK"},
      {"tcp.flags.push", FType::Boolean, kTcpFlagsPush, kD, "PSH"},
      {"tcp.flags.reset", FType::Boolean, kTcpFlagsReset, kD, "RST"},
      {"tcp.flags.syn", FType::Boolean, kTcpFlagsSyn, kD, "SYN"},
      {"tcp.flags.fin", FType::Boolean, kTcpFlagsFin, kD, "FIN"},
      {"tcp.window_size_value", FType::Uint16, kTcpWindowSizeValue, kD, "window as sent"},
      {"tcp.window_size", FType::Uint32, kTcpWindowSize, kT, "window after scaling"},
      {"tcp.window_size_scalefactor", FType::Int32, kTcpWindowScale, kT,
       "multiplier (-1 unknown, -2 no scaling)"},
      {"tcp.checksum", FType::Uint16, kTcpChecksum, kD, "checksum"},
      {"tcp.checksum.status", FType::Uint8, kTcpChecksumStatus, kD, "2 (unverified: tshark does not check by default)"},
      {"tcp.urgent_pointer", FType::Uint16, kTcpUrgentPointer, kD, "urgent pointer"},
      {"tcp.options", FType::Bytes, kTcpOptions, kD, "the options' bytes"},
      {"tcp.option_kind", FType::Uint8, kTcpOptionKind, kD, "each option's kind, in order"},
      {"tcp.option_len", FType::Uint8, kTcpOptionLen, kD, "each option's length (not of EOL, NOP)"},
      {"tcp.options.mss", FType::None, kTcpOptMss, kD, "MSS option present"},
      {"tcp.options.mss_val", FType::Uint16, kTcpOptMssVal, kD, "MSS value"},
      {"tcp.options.wscale", FType::None, kTcpOptWscale, kD, "window scale option present"},
      {"tcp.options.wscale.shift", FType::Uint8, kTcpOptWscaleShift, kD, "window scale shift"},
      {"tcp.options.wscale.multiplier", FType::Uint16, kTcpOptWscaleMult, kD, "2^shift"},
      {"tcp.options.sack_perm", FType::None, kTcpOptSackPerm, kD, "SACK permitted option"},
      {"tcp.options.sack", FType::None, kTcpOptSack, kD, "SACK option present"},
      {"tcp.options.sack_le", FType::Uint32, kTcpOptSackLe, kT, "SACK left edges (relative)"},
      {"tcp.options.sack_re", FType::Uint32, kTcpOptSackRe, kT, "SACK right edges (relative)"},
      {"tcp.options.timestamp", FType::None, kTcpOptTimestamp, kD, "timestamps option present"},
      {"tcp.options.timestamp.tsval", FType::Uint32, kTcpOptTsval, kD, "TSval"},
      {"tcp.options.timestamp.tsecr", FType::Uint32, kTcpOptTsecr, kD, "TSecr"},
      {"tcp.payload", FType::Bytes, kTcpPayload, kD, "the payload's captured bytes"},
      {"tcp.time_relative", FType::RelTime, kTcpTimeRelative, kT, "seconds since the stream's first frame"},
      {"tcp.time_delta", FType::RelTime, kTcpTimeDelta, kT, "seconds since the stream's previous frame"},
      {"tcp.analysis", FType::None, kTcpAnalysis, kT, "the segment has SEQ/ACK analysis"},
      {"tcp.analysis.flags", FType::None, kTcpAnalysisFlags, kT, "any tcp.analysis flag"},
      {"tcp.analysis.ack_rtt", FType::RelTime, kTcpAckRtt, kT, "RTT to the segment this ACKs"},
      {"tcp.analysis.acks_frame", FType::FrameNum, kTcpAcksFrame, kT, "the frame this ACKs"},
      {"tcp.analysis.initial_rtt", FType::RelTime, kTcpInitialRtt, kT, "handshake RTT (once seen)"},
      {"tcp.analysis.bytes_in_flight", FType::Uint32, kTcpBytesInFlight, kT, "unacknowledged bytes"},
      {"tcp.analysis.duplicate_ack_num", FType::Uint32, kTcpDupAckNum, kT, "duplicate ACK number"},
      {"tcp.analysis.duplicate_ack_frame", FType::FrameNum, kTcpDupAckFrame, kT, "the ACK this repeats"},
      {"udp", FType::Protocol, kUdp, kD, "UDP"},
      {"udp.srcport", FType::Uint16, kUdpSrcPort, kD, "source port"},
      {"udp.dstport", FType::Uint16, kUdpDstPort, kD, "destination port"},
      {"udp.port", FType::Uint16, kUdpPort, kD, "either port"},
      {"udp.length", FType::Uint16, kUdpLength, kD, "length (header included)"},
      {"udp.checksum", FType::Uint16, kUdpChecksum, kD, "checksum"},
      {"udp.payload", FType::Bytes, kUdpPayload, kD, "the payload's captured bytes"},
      {"icmp", FType::Protocol, kIcmp, kD, "ICMP"},
      {"icmp.type", FType::Uint8, kIcmpType, kD, "type"},
      {"icmp.code", FType::Uint8, kIcmpCode, kD, "code"},
      {"icmp.checksum", FType::Uint16, kIcmpChecksum, kD, "checksum"},
      {"icmp.ident", FType::Uint16, kIcmpIdent, kD, "echo identifier"},
      {"icmp.seq", FType::Uint16, kIcmpSeq, kD, "echo sequence number"},
      {"icmpv6", FType::Protocol, kIcmpv6, kD, "ICMPv6"},
      {"icmpv6.type", FType::Uint8, kIcmpv6Type, kD, "type"},
      {"icmpv6.code", FType::Uint8, kIcmpv6Code, kD, "code"},
      {"icmpv6.checksum", FType::Uint16, kIcmpv6Checksum, kD, "checksum"},
      {"dns", FType::Protocol, kDns, kS, "DNS (UDP port 53, or a whole message over TCP)"},
      {"dns.id", FType::Uint16, kDnsId, kS, "transaction ID"},
      {"dns.flags", FType::Uint16, kDnsFlags, kS, "flags"},
      {"dns.flags.response", FType::Boolean, kDnsResponse, kS, "a response"},
      {"dns.flags.opcode", FType::Uint16, kDnsOpcode, kS, "opcode"},
      {"dns.flags.authoritative", FType::Boolean, kDnsAuthoritative, kS, "authoritative (responses)"},
      {"dns.flags.truncated", FType::Boolean, kDnsTruncated, kS, "truncated"},
      {"dns.flags.recdesired", FType::Boolean, kDnsRecDesired, kS, "recursion desired"},
      {"dns.flags.recavail", FType::Boolean, kDnsRecAvail, kS, "recursion available (responses)"},
      {"dns.flags.rcode", FType::Uint16, kDnsRcode, kS, "reply code (responses)"},
      {"dns.count.queries", FType::Uint16, kDnsCountQueries, kS, "questions"},
      {"dns.count.answers", FType::Uint16, kDnsCountAnswers, kS, "answer records"},
      {"dns.count.auth_rr", FType::Uint16, kDnsCountAuth, kS, "authority records"},
      {"dns.count.add_rr", FType::Uint16, kDnsCountAdd, kS, "additional records"},
      {"dns.qry.name", FType::String, kDnsQryName, kS, "question name"},
      {"dns.qry.type", FType::Uint16, kDnsQryType, kS, "question type"},
      {"dns.qry.class", FType::Uint16, kDnsQryClass, kS, "question class"},
      {"dns.resp.name", FType::String, kDnsRespName, kS, "record name"},
      {"dns.resp.type", FType::Uint16, kDnsRespType, kS, "record type"},
      {"dns.resp.ttl", FType::Uint32, kDnsRespTtl, kS, "record TTL"},
      {"dns.a", FType::Ipv4, kDnsA, kS, "address of an A record"},
      {"dns.aaaa", FType::Ipv6, kDnsAaaa, kS, "address of an AAAA record"},
      {"dns.cname", FType::String, kDnsCname, kS, "CNAME target"},
      {"http", FType::Protocol, kHttp, kS, "HTTP (the frame that completes a message, or a continuation)"},
      {"http.request", FType::None, kHttpRequest, kS, "a request"},
      {"http.response", FType::None, kHttpResponse, kS, "a response"},
      {"http.request.method", FType::String, kHttpMethod, kS, "request method"},
      {"http.request.uri", FType::String, kHttpUri, kS, "request URI"},
      {"http.request.version", FType::String, kHttpReqVersion, kS, "request version"},
      {"http.request.full_uri", FType::String, kHttpFullUri, kS, "http:// Host and URI"},
      {"http.response.code", FType::Uint16, kHttpCode, kS, "status code"},
      {"http.response.phrase", FType::String, kHttpPhrase, kS, "reason phrase"},
      {"http.response.version", FType::String, kHttpRespVersion, kS, "response version"},
      {"http.host", FType::String, kHttpHost, kS, "Host header"},
      {"http.user_agent", FType::String, kHttpUserAgent, kS, "User-Agent header"},
      {"http.content_type", FType::String, kHttpContentType, kS, "Content-Type header"},
      {"http.content_length", FType::Uint64, kHttpContentLength, kS, "Content-Length header"},
      {"http.server", FType::String, kHttpServer, kS, "Server header"},
      {"http.location", FType::String, kHttpLocation, kS, "Location header"},
      {"http.referer", FType::String, kHttpReferer, kS, "Referer header"},
      {"http.cookie", FType::String, kHttpCookie, kS, "Cookie header"},
      {"http.connection", FType::String, kHttpConnection, kS, "Connection header"},
      {"http.accept", FType::String, kHttpAccept, kS, "Accept header"},
      {"http.authorization", FType::String, kHttpAuthorization, kS, "Authorization header"},
      {"ssh", FType::Protocol, kSsh, kS, "SSH (a frame the SSH dissector summarises, as the Protocol column)"},
      {"smtp", FType::Protocol, kSmtp, kS, "SMTP (a command, reply or mail data completed in the frame)"},
      {"ftp", FType::Protocol, kFtp, kS, "FTP control connection (port 21)"},
      {"resp", FType::Protocol, kResp, kS, "Redis RESP (port 6379)"},
      {"mdns", FType::Protocol, kMdns, kS, "multicast DNS (UDP 5353; its frames have the dns.* fields, not dns)"},
      {"llmnr", FType::Protocol, kLlmnr, kS, "LLMNR (UDP 5355; its frames have the dns.* fields, not dns)"},
      {"websocket", FType::Protocol, kWebSocket, kS, "WebSocket (frames after HTTP's 101 upgrade; the frame that completes one)"},
      {"telnet", FType::Protocol, kTelnet, kS, "TELNET (TCP port 23, a segment with data)"},
      {"tls", FType::Protocol, kTls, kS, "TLS (a frame the TLS dissector was given: ports 443, 465, 993, ..., STARTTLS, HTTP CONNECT, its heuristic)"},
      {"tls.record", FType::None, kTlsRecord, kS, "a record (one per complete record in the frame)"},
      {"tls.record.content_type", FType::Uint8, kTlsContentType, kS, "record type (20 ChangeCipherSpec, 21 Alert, 22 Handshake, 23 Application Data); not on TLS 1.3's encrypted records"},
      {"tls.record.opaque_type", FType::Uint8, kTlsOpaqueType, kS, "outer type of a TLS 1.3 encrypted record (23)"},
      {"tls.record.version", FType::Uint16, kTlsRecordVersion, kS, "record layer version (0x0301 TLS 1.0 ... 0x0303)"},
      {"tls.record.length", FType::Uint16, kTlsRecordLength, kS, "record length"},
      {"tls.handshake", FType::None, kTlsHandshake, kS, "a handshake message (also encrypted ones and fragments)"},
      {"tls.handshake.type", FType::Uint8, kTlsHandshakeType, kS, "handshake message type (1 Client Hello, 2 Server Hello, 11 Certificate, ...)"},
      {"tls.handshake.version", FType::Uint16, kTlsHandshakeVersion, kS, "ClientHello/ServerHello version"},
      {"tls.handshake.extensions_server_name", FType::String, kTlsServerName, kS, "SNI host name of a ClientHello"},
      {"tls.handshake.ciphersuite", FType::Uint16, kTlsCiphersuite, kS, "cipher suites offered (ClientHello) or chosen (ServerHello)"},
      {"tls.change_cipher_spec", FType::None, kTlsChangeCipherSpec, kS, "a ChangeCipherSpec record"},
      {"tls.alert_message", FType::None, kTlsAlertMessage, kS, "an alert record"},
      {"tls.alert_message.level", FType::Uint8, kTlsAlertLevel, kS, "alert level (plaintext alerts)"},
      {"tls.alert_message.desc", FType::Uint8, kTlsAlertDesc, kS, "alert description (plaintext alerts)"},
      {"conn", FType::Protocol, kConn, kC, "a connection record (tcplens conns)"},
      {"conn.handshake", FType::String, kConnHandshake, kC, "complete, unanswered, rejected, ..."},
      {"conn.teardown", FType::String, kConnTeardown, kC, "four_way, three_way, reset, open, ..."},
      {"conn.initiator", FType::String, kConnInitiator, kC, "who closed first: client, server, both, none"},
      {"conn.reset_by", FType::String, kConnResetBy, kC, "client, server or none"},
      {"conn.time_wait", FType::String, kConnTimeWait, kC, "client, server, both or none"},
      {"conn.client.state", FType::String, kConnClientState, kC, "client's RFC 9293 state at the end"},
      {"conn.server.state", FType::String, kConnServerState, kC, "server's RFC 9293 state at the end"},
      {"conn.irtt", FType::RelTime, kConnIrtt, kC, "handshake RTT (when seen)"},
      {"conn.bytes", FType::Uint64, kConnBytes, kC, "payload bytes both ways"},
      {"conn.retransmissions", FType::Uint32, kConnRetransmissions, kC, "retransmitted segments both ways"},
      {"conn.duration", FType::RelTime, kConnDuration, kC, "last packet minus first"},
      {"conn.zeek.conn_state", FType::String, kConnZeekState, kZ, "Zeek's conn_state (SF, S0, REJ, ...)"},
      {"conn.stream", FType::Uint32, kConnStream, kC, "tcp.stream of the connection"},
      {"conn.completeness", FType::Uint8, kConnCompleteness, kC, "tshark's tcp.completeness at the end"},
  };
  static std::vector<std::string> anomaly_names;
  anomaly_names.reserve(kAnomalyCount);
  for (std::size_t i = 0; i < kAnomalyCount; ++i) {
    const AnomalyInfo& a = anomaly_info(static_cast<Anomaly>(i));
    anomaly_names.push_back("tcp.analysis." + std::string(a.name));
    r.push_back({anomaly_names.back(), FType::None, static_cast<std::uint16_t>(kTcpAnomalyFirst + i), kT,
                 a.description});
  }
  std::sort(r.begin(), r.end(), [](const FieldInfo& a, const FieldInfo& b) { return a.name < b.name; });
  return r;
}

const std::vector<FieldInfo>& registry() {
  static const std::vector<FieldInfo> r = make_registry();
  return r;
}

// ---- where the headers are in the raw bytes ------------------------------------------------

bool is_vlan_type(std::uint16_t t) { return t == 0x8100 || t == 0x88a8 || t == 0x9100; }

int link_len(EvalCtx& c) {
  if (c.link_len != -2) return c.link_len;
  const RawPacket& raw = *c.ev->raw;
  const ByteView d = raw.data;
  int n = -1;
  switch (raw.linktype) {
    case linktype::kEthernet: {
      std::size_t off = 12;
      while (off + 2 <= d.size() && is_vlan_type(load_be16(d, off))) off += 4;
      if (off + 2 <= d.size()) n = static_cast<int>(off + 2);
      break;
    }
    case linktype::kLinuxSll: n = 16; break;
    case linktype::kLinuxSll2: n = 20; break;
    case linktype::kNull: case linktype::kLoop: n = 4; break;
    case linktype::kRaw: case linktype::kIpv4: case linktype::kIpv6: n = 0; break;
    default: break;
  }
  if (n > static_cast<int>(d.size())) n = -1;
  return c.link_len = n;
}

// The outermost network header's bytes (empty when there is none of `version`).
ByteView outer_ip(EvalCtx& c, int version) {
  const DecodedPacket* p = c.ev->pkt;
  if (p == nullptr || p->ip_depth == 0) return {};
  const int off = link_len(c);
  if (off < 0) return {};
  const ByteView d = c.ev->raw->data.subspan(static_cast<std::size_t>(off));
  if (d.empty() || (d[0] >> 4) != version) return {};
  if (version == 4 && d.size() < 20) return {};
  if (version == 6 && d.size() < 40) return {};
  return d;
}

struct Out {
  Value* v;
  int max;
  int n = 0;
  void add_int(std::int64_t x) {
    if (n < max) v[n] = Value{x, 0, nullptr, 0, 0};
    ++n;
  }
  void add_bytes(const std::uint8_t* p, std::size_t len) {
    if (n < max) v[n] = Value{0, 0, p, static_cast<std::uint32_t>(len), 0};
    ++n;
  }
  void add_text(std::string_view s) { add_bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }
  void add_ip4(const std::uint8_t* p) {
    if (n < max) v[n] = Value{static_cast<std::int64_t>(load_be32(p)), 0, p, 4, 32};
    ++n;
  }
  void add_time(std::int64_t ns) { add_int(ns); }
  void add_none() { add_int(0); }
};

std::uint8_t* scratch(EvalCtx& c, std::size_t n) {
  if (c.scratch == nullptr || c.scratch_used + n > c.scratch_size) return nullptr;
  std::uint8_t* p = c.scratch + c.scratch_used;
  c.scratch_used += n;
  return p;
}

void add_ip_text(EvalCtx& c, Out& o, const IpAddress& a) {
  std::uint8_t* p = scratch(c, 46);
  if (p == nullptr) return;
  const std::size_t n = format_ip(a, reinterpret_cast<char*>(p));
  o.add_bytes(p, n);
}

// Each IP header of a family: the outermost, the innermost of a tunnel, one quoted in ICMP.
template <typename Fn>
void each_ip(const DecodedPacket& p, int version, Fn&& fn) {
  if (p.ip_depth > 1 && p.outer_ip.version == version) fn(p.outer_ip);
  if (p.ip_depth > 0 && p.ip.version == version) fn(p.ip);
  if (p.in_icmp_error && p.icmp_error.has_ip && p.icmp_error.ip.version == version) fn(p.icmp_error.ip);
}

// The TCP headers of a packet: its own, and one quoted in an ICMP error (ports and
// sequence number only, as tshark dissects the quoted bytes).
const TcpSegment* own_tcp(const DecodedPacket* p) {
  return p != nullptr && p->has(Layer::Tcp) && p->tcp.ports_valid ? &p->tcp : nullptr;
}
const TcpSegment* quoted_tcp(const DecodedPacket* p) {
  return p != nullptr && p->in_icmp_error && p->icmp_error.has_ip && p->icmp_error.ip.protocol == 6 &&
                 (p->icmp_error.tcp.ports_valid || p->icmp_error.tcp.fixed_valid)
             ? &p->icmp_error.tcp
             : nullptr;
}

std::int64_t ns_of(const NsTime& t) { return t.total_ns(); }
std::int64_t ns_between(const Timestamp& b, const Timestamp& a) {
  return NsTime::delta(NsTime::from(b), NsTime::from(a)).total_ns();
}

// ---- application fields ----------------------------------------------------------------------

std::string_view http_first_line(std::string_view m) {
  std::string_view line = m.substr(0, m.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool http_is_response(std::string_view m) { return m.substr(0, 5) == "HTTP/"; }

// Word `k` (0-based) of the first line; the last one takes the rest of the line.
std::string_view http_part(std::string_view m, int k) {
  std::string_view line = http_first_line(m);
  for (int i = 0; i < k; ++i) {
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return {};
    line.remove_prefix(sp + 1);
  }
  if (k < 2) line = line.substr(0, line.find(' '));
  return line;
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

void http_header(std::string_view m, std::string_view name, Out& o) {
  std::size_t pos = m.find('\n');
  while (pos != std::string_view::npos && pos + 1 < m.size()) {
    const std::size_t next = m.find('\n', pos + 1);
    std::string_view line = m.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    pos = next;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !iequal(line.substr(0, colon), name)) continue;
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    o.add_text(v);
  }
}

void http_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const AppResult* a = c.app;
  if (a == nullptr || !a->http) return;
  if (id == kHttp) return o.add_bytes(a->http_message.empty() ? nullptr : reinterpret_cast<const std::uint8_t*>(a->http_message.data()), a->http_message.size());
  const std::string_view m = a->http_message;
  if (m.empty()) return;
  const bool resp = http_is_response(m);
  switch (id) {
    case kHttpRequest: if (!resp) o.add_none(); return;
    case kHttpResponse: if (resp) o.add_none(); return;
    case kHttpMethod: if (!resp) o.add_text(http_part(m, 0)); return;
    case kHttpUri: if (!resp) o.add_text(http_part(m, 1)); return;
    case kHttpReqVersion: if (!resp) o.add_text(http_part(m, 2)); return;
    case kHttpRespVersion: if (resp) o.add_text(http_part(m, 0)); return;
    case kHttpCode:
      if (resp) {
        const std::string_view code = http_part(m, 1);
        std::int64_t v = 0;
        for (char ch : code) {
          if (ch < '0' || ch > '9') return;
          v = v * 10 + (ch - '0');
        }
        if (!code.empty()) o.add_int(v);
      }
      return;
    case kHttpPhrase: if (resp) o.add_text(http_part(m, 2)); return;
    case kHttpFullUri: {
      if (resp) return;
      Value host[1]{};
      Out h{host, 1};
      http_header(m, "host", h);
      if (h.n == 0) return;
      const std::string_view uri = http_part(m, 1);
      const std::size_t n = 7 + host[0].n + uri.size();
      std::uint8_t* p = scratch(c, n);
      if (p == nullptr) return;
      std::memcpy(p, "http://", 7);
      std::memcpy(p + 7, host[0].p, host[0].n);
      std::memcpy(p + 7 + host[0].n, uri.data(), uri.size());
      return o.add_bytes(p, n);
    }
    case kHttpContentLength: {
      Value v[1]{};
      Out h{v, 1};
      http_header(m, "content-length", h);
      if (h.n == 0) return;
      std::int64_t x = 0;
      for (std::uint32_t i = 0; i < v[0].n; ++i) {
        if (v[0].p[i] < '0' || v[0].p[i] > '9') return;
        x = x * 10 + (v[0].p[i] - '0');
      }
      return o.add_int(x);
    }
    case kHttpHost: return http_header(m, "host", o);
    case kHttpUserAgent: return http_header(m, "user-agent", o);
    case kHttpContentType: return http_header(m, "content-type", o);
    case kHttpServer: return http_header(m, "server", o);
    case kHttpLocation: return http_header(m, "location", o);
    case kHttpReferer: return http_header(m, "referer", o);
    case kHttpCookie: return http_header(m, "cookie", o);
    case kHttpConnection: return http_header(m, "connection", o);
    case kHttpAccept: return http_header(m, "accept", o);
    case kHttpAuthorization: return http_header(m, "authorization", o);
    default: return;
  }
}

// A DNS name at `off`, copied into the scratch space as tshark shows it.
bool dns_name(EvalCtx& c, ByteView msg, std::size_t off, std::size_t& used, Out* o) {
  AppResult& a = const_cast<AppResult&>(*c.app);
  used = wireshark::read_name(msg, off, a.names);
  if (used == 0) return false;
  if (o == nullptr) return true;
  std::uint8_t* p = scratch(c, a.names.size());
  if (p == nullptr) return true;
  std::memcpy(p, a.names.data(), a.names.size());
  o->add_bytes(p, a.names.size());
  return true;
}

void dns_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const AppResult* a = c.app;
  if (a == nullptr || !a->dns) return;
  const ByteView m = a->dns_message;
  if (id == kDns) {
    if (!a->mdns && !a->llmnr) o.add_bytes(m.data(), m.size());
    return;
  }
  if (m.size() < 12) return;
  const unsigned flags = load_be16(m, 2);
  const bool response = flags & 0x8000;
  switch (id) {
    case kDnsId: return o.add_int(load_be16(m, 0));
    case kDnsFlags: return o.add_int(flags);
    case kDnsResponse: return o.add_int(response ? 1 : 0);
    case kDnsOpcode: return o.add_int((flags >> 11) & 0xf);
    case kDnsAuthoritative: if (response) o.add_int((flags >> 10) & 1); return;
    case kDnsTruncated: return o.add_int((flags >> 9) & 1);
    case kDnsRecDesired: return o.add_int((flags >> 8) & 1);
    case kDnsRecAvail: if (response) o.add_int((flags >> 7) & 1); return;
    case kDnsRcode: if (response) o.add_int(flags & 0xf); return;
    case kDnsCountQueries: return o.add_int(load_be16(m, 4));
    case kDnsCountAnswers: return o.add_int(load_be16(m, 6));
    case kDnsCountAuth: return o.add_int(load_be16(m, 8));
    case kDnsCountAdd: return o.add_int(load_be16(m, 10));
    default: break;
  }
  const unsigned qd = load_be16(m, 4);
  const unsigned rr = load_be16(m, 6) + load_be16(m, 8) + load_be16(m, 10);
  std::size_t off = 12, used = 0;
  for (unsigned i = 0; i < qd; ++i) {
    if (!dns_name(c, m, off, used, id == kDnsQryName ? &o : nullptr) || off + used + 4 > m.size()) return;
    off += used;
    if (id == kDnsQryType) o.add_int(load_be16(m, off));
    if (id == kDnsQryClass) o.add_int(load_be16(m, off + 2));
    off += 4;
  }
  for (unsigned i = 0; i < rr; ++i) {
    if (!dns_name(c, m, off, used, id == kDnsRespName ? &o : nullptr) || off + used + 10 > m.size()) return;
    off += used;
    const unsigned type = load_be16(m, off);
    const unsigned rdlen = load_be16(m, off + 8);
    if (id == kDnsRespType) o.add_int(type);
    if (id == kDnsRespTtl) o.add_int(load_be32(m, off + 4));
    off += 10;
    if (off + rdlen > m.size()) return;
    if (id == kDnsA && type == 1 && rdlen == 4) o.add_ip4(m.data() + off);
    if (id == kDnsAaaa && type == 28 && rdlen == 16) o.add_bytes(m.data() + off, 16);
    if (id == kDnsCname && type == 5) dns_name(c, m, off, used, &o);
    off += rdlen;
  }
}

void conn_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const ConnectionRecord* r = c.rec;
  if (r == nullptr) return;
  const Connection& k = r->conn;
  switch (id) {
    case kConn: return o.add_none();
    case kConnHandshake: return o.add_text(to_string(k.handshake));
    case kConnTeardown: return o.add_text(to_string(k.teardown));
    case kConnInitiator: return o.add_text(k.initiator());
    case kConnResetBy: return o.add_text(k.reset_by_name());
    case kConnTimeWait: return o.add_text(k.time_wait());
    case kConnClientState: return o.add_text(to_string(k.client.state));
    case kConnServerState: return o.add_text(to_string(k.server.state));
    case kConnIrtt:
      if (k.irtt_s() >= 0) o.add_time(static_cast<std::int64_t>(k.irtt_s() * 1e9 + 0.5));
      return;
    case kConnBytes: return o.add_int(static_cast<std::int64_t>(k.client.sent.bytes + k.server.sent.bytes));
    case kConnRetransmissions: return o.add_int(k.client.sent.retransmissions + k.server.sent.retransmissions);
    case kConnDuration: return o.add_time(ns_between(k.last_ts, k.first_ts));
    case kConnZeekState: if (r->has_zeek) o.add_text(r->zeek_conn_state); return;
    case kConnStream: return o.add_int(k.stream);
    case kConnCompleteness: return o.add_int(r->completeness);
    default: return;
  }
}

// tcp.flags.str: one character per flag bit from the top (reserved, AE, CWR, ECE, URG, ACK,
// PSH, RST, SYN, FIN), its letter when set, else a middle dot; an ACE counter takes the
// AE-CWR-ECE places as "-N-".
void add_flags_text(EvalCtx& c, Out& o, std::uint16_t flags, int ace) {
  static constexpr char kLetters[] = "RRRACEUAPRSF";
  static constexpr char kDot[] = "\xc2\xb7";  // U+00B7
  std::uint8_t* p = scratch(c, 24);
  if (p == nullptr) return;
  std::size_t n = 0;
  for (int i = 0; i < 12; ++i) {
    if (ace >= 0 && i >= 3 && i <= 5) {
      p[n++] = i == 4 ? static_cast<std::uint8_t>('0' + ace) : '-';
    } else if (flags & (0x800u >> i)) {
      p[n++] = static_cast<std::uint8_t>(kLetters[i]);
    } else {
      p[n++] = static_cast<std::uint8_t>(kDot[0]);
      p[n++] = static_cast<std::uint8_t>(kDot[1]);
    }
  }
  o.add_bytes(p, n);
}

void tcp_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const PacketEvent& ev = *c.ev;
  const TcpSegment* own = own_tcp(ev.pkt);
  const TcpSegment* quoted = quoted_tcp(ev.pkt);
  // Fields of the quoted header too.
  switch (id) {
    case kTcp:
      if (own) o.add_bytes(own->header.data(), own->header.size() + own->payload.size());
      if (quoted) o.add_none();
      return;
    case kTcpSrcPort:
      if (own) o.add_int(own->src_port);
      if (quoted) o.add_int(quoted->src_port);
      return;
    case kTcpDstPort:
      if (own) o.add_int(own->dst_port);
      if (quoted) o.add_int(quoted->dst_port);
      return;
    case kTcpPort:
      if (own) o.add_int(own->src_port), o.add_int(own->dst_port);
      if (quoted) o.add_int(quoted->src_port), o.add_int(quoted->dst_port);
      return;
    case kTcpSeqRaw:  // tshark gives a quoted header tcp.seq (as sent) but no seq_raw
      if (own && own->fixed_valid) o.add_int(own->seq);
      return;
    default: break;
  }
  // The stream's clock, for a quoted header too (tshark shows its [Timestamps]).
  if ((id == kTcpTimeRelative || id == kTcpTimeDelta) && (own || quoted) && ev.tcp != nullptr &&
      (ev.tcp->tracked || quoted)) {
    const TcpPacketAnalysis& t = *ev.tcp;
    return o.add_time(id == kTcpTimeRelative ? t.time_relative_ns : t.time_delta_ns);
  }
  // The other header fields come from the packet's own header, else the quoted one (which
  // has no analysis; tshark still gives it a stream).
  if (own == nullptr && quoted != nullptr && id == kTcpStream && ev.tcp != nullptr) return o.add_int(ev.tcp->stream);
  const TcpSegment* seg = own != nullptr ? own : quoted;
  if (seg == nullptr || !seg->fixed_valid) return;
  const TcpSegment& s = *seg;
  const TcpPacketAnalysis* a = own != nullptr && ev.has_tcp() ? ev.tcp : nullptr;
  const bool ack = s.flags & tcpflag::kAck;
  auto numbers = [&] { return StreamTracker::numbers(s, *a, *ev.summary); };
  switch (id) {
    case kTcpStream: if (a && ev.stream_known) o.add_int(ev.stream); return;
    case kTcpCompleteness: if (a) o.add_int(a->completeness); return;
    case kTcpLen: if (s.have_seglen) o.add_int(s.payload_len); return;
    case kTcpSeq: o.add_int(a && ev.summary ? numbers().seq : s.seq); return;
    case kTcpNxtSeq:
      if (a && ev.summary) {
        const TcpNumbers n = numbers();
        if (n.has_nxtseq) o.add_int(n.nxtseq);
      }
      return;
    // Both are there when ACK is not set (tshark 4.0): the number as sent.
    case kTcpAck: return o.add_int(a && ev.summary ? numbers().ack : s.ack);
    case kTcpAckRaw: return o.add_int(s.ack);
    case kTcpAckNonzero: if (!ack && s.ack != 0) o.add_none(); return;
    case kTcpHdrLen: return o.add_int(s.header_len);
    case kTcpFlags: return o.add_int(s.flags);
    case kTcpFlagsRes: return o.add_int((s.flags & tcpflag::kReserved) ? 1 : 0);
    case kTcpFlagsAe: case kTcpFlagsCwr: case kTcpFlagsEce: case kTcpFlagsAce: case kTcpFlagsStr: {
      // Once both SYNs negotiated Accurate ECN, tshark shows the three bits of every later
      // non-SYN segment as one counter, ACE (RFC 9768).
      const bool ace = a != nullptr && a->use_ace;
      const int ace_value = ((s.flags & tcpflag::kAe) ? 4 : 0) | ((s.flags & tcpflag::kCwr) ? 2 : 0) |
                            ((s.flags & tcpflag::kEce) ? 1 : 0);
      if (id == kTcpFlagsAce) {
        if (ace) o.add_int(ace_value);
        return;
      }
      if (id == kTcpFlagsStr) return add_flags_text(c, o, s.flags, ace ? ace_value : -1);
      if (ace) return;
      const std::uint16_t bit = id == kTcpFlagsAe ? tcpflag::kAe : id == kTcpFlagsCwr ? tcpflag::kCwr : tcpflag::kEce;
      return o.add_int((s.flags & bit) ? 1 : 0);
    }
    case kTcpFlagsUrg: return o.add_int((s.flags & tcpflag::kUrg) ? 1 : 0);
    case kTcpFlagsAck: return o.add_int(ack ? 1 : 0);
    case kTcpFlagsPush: return o.add_int((s.flags & tcpflag::kPsh) ? 1 : 0);
    case kTcpFlagsReset: return o.add_int((s.flags & tcpflag::kRst) ? 1 : 0);
    case kTcpFlagsSyn: return o.add_int((s.flags & tcpflag::kSyn) ? 1 : 0);
    case kTcpFlagsFin: return o.add_int((s.flags & tcpflag::kFin) ? 1 : 0);
    case kTcpWindowSizeValue: return o.add_int(s.window);
    case kTcpWindowSize: return o.add_int(a && ev.summary ? numbers().window : s.window);
    case kTcpWindowScale:
      if (a && ev.summary) {
        const TcpNumbers n = numbers();
        if (n.has_scale) o.add_int(n.scale);
      }
      return;
    default: break;
  }
  if (!s.header_valid) return;
  const TcpOptions& op = s.options;
  switch (id) {
    case kTcpChecksum: return o.add_int(s.checksum);
    case kTcpChecksumStatus: return o.add_int(2);
    case kTcpOptionKind: case kTcpOptionLen: {
      // Each option as tshark lists them: EOL and NOP are one byte (no length), every other
      // kind has a length byte; a length under 2 or past the header ends the walk.
      const ByteView opts = s.header.subspan(std::min<std::size_t>(20, s.header.size()));
      for (std::size_t i = 0; i < opts.size();) {
        const std::uint8_t kind = opts[i];
        if (kind <= 1) {
          if (id == kTcpOptionKind) o.add_int(kind);
          ++i;
          continue;
        }
        if (i + 1 >= opts.size()) break;
        const std::uint8_t len = opts[i + 1];
        o.add_int(id == kTcpOptionKind ? kind : len);
        if (len < 2 || i + len > opts.size()) break;
        i += len;
      }
      return;
    }
    case kTcpUrgentPointer: return o.add_int(s.urgent_ptr);
    case kTcpOptions:
      if (s.header_len > 20) o.add_bytes(s.header.data() + 20, s.header.size() - 20);
      return;
    case kTcpOptMss: if (op.has_mss) o.add_none(); return;
    case kTcpOptMssVal: if (op.has_mss) o.add_int(op.mss); return;
    case kTcpOptWscale: if (op.has_window_scale) o.add_none(); return;
    case kTcpOptWscaleShift: if (op.has_window_scale) o.add_int(op.window_scale); return;
    case kTcpOptWscaleMult:
      if (op.has_window_scale) o.add_int(std::int64_t{1} << std::min<int>(op.window_scale, 14));
      return;
    case kTcpOptSackPerm: if (op.sack_permitted) o.add_none(); return;
    case kTcpOptSack: if (op.sack_count) o.add_none(); return;
    case kTcpOptSackLe: case kTcpOptSackRe: {
      // Relative to the other direction's base, as tshark shows them.
      const std::uint32_t base = a ? a->rel_base[a->dir == Direction::AToB ? 1 : 0] : 0;
      for (std::size_t i = 0; i < op.sack_count; ++i)
        o.add_int(static_cast<std::uint32_t>((id == kTcpOptSackLe ? op.sack[i].left : op.sack[i].right) - base));
      return;
    }
    case kTcpOptTimestamp: if (op.has_timestamps) o.add_none(); return;
    case kTcpOptTsval: if (op.has_timestamps) o.add_int(op.ts_val); return;
    case kTcpOptTsecr: if (op.has_timestamps) o.add_int(op.ts_ecr); return;
    case kTcpPayload:
      if (!s.payload.empty()) o.add_bytes(s.payload.data(), s.payload.size());
      return;
    default: break;
  }
  if (a == nullptr) return;
  switch (id) {
    // tshark's SEQ/ACK analysis tree exists when it made its per-frame record
    // (tcp_print_sequence_number_analysis); the initial RTT is shown inside it.
    case kTcpAnalysis: if (a->has_acked_record) o.add_none(); return;
    case kTcpAnalysisFlags: {
      // The TCP_A_* flags; the Fast Open items are no part of tcp.analysis.flags.
      AnomalySet f = a->anomalies;
      f.clear(Anomaly::TfoSyn);
      f.clear(Anomaly::TfoAck);
      f.clear(Anomaly::TfoIgnored);
      if (!f.empty()) o.add_none();
      return;
    }
    // No RTT when it is zero (both frames at the same time), as tshark.
    case kTcpAckRtt: if (a->acks_frame && !a->ack_rtt.is_zero()) o.add_time(ns_of(a->ack_rtt)); return;
    case kTcpAcksFrame: if (a->acks_frame) o.add_int(static_cast<std::int64_t>(a->acks_frame)); return;
    case kTcpInitialRtt:
      if (a->has_acked_record && ev.summary && !ev.summary->initial_rtt.is_zero())
        o.add_time(ns_of(ev.summary->initial_rtt));
      return;
    case kTcpBytesInFlight: if (a->bytes_in_flight) o.add_int(a->bytes_in_flight); return;
    case kTcpDupAckNum: if (a->dupack_num) o.add_int(a->dupack_num); return;
    case kTcpDupAckFrame: if (a->dupack_frame) o.add_int(static_cast<std::int64_t>(a->dupack_frame)); return;
    default: break;
  }
  if (id < kTcpAnomalyFirst || id >= kTcpAnomalyFirst + kAnomalyCount) return;
  const auto flag = static_cast<Anomaly>(id - kTcpAnomalyFirst);
  // A fast or spurious retransmission also carries tcp.analysis.retransmission ("This frame
  // is a (suspected) retransmission" beside it, packet-tcp.c).
  if (a->anomalies.has(flag) ||
      (flag == Anomaly::Retransmission && (a->anomalies.has(Anomaly::FastRetransmission) ||
                                           a->anomalies.has(Anomaly::SpuriousRetransmission))))
    o.add_none();
}

void ip_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const DecodedPacket* p = c.ev->pkt;
  if (p == nullptr) return;
  switch (id) {
    case kIp: {
      each_ip(*p, 4, [&](const IpHeader&) { o.add_none(); });
      const ByteView raw4 = outer_ip(c, 4);  // the protocol's bytes, for slices
      if (!raw4.empty() && o.n > 0) o.v[0] = Value{0, 0, raw4.data(), static_cast<std::uint32_t>(raw4.size()), 0};
      return;
    }
    case kIpSrc: each_ip(*p, 4, [&](const IpHeader& h) { o.add_ip4(h.src.bytes.data()); }); return;
    case kIpDst: each_ip(*p, 4, [&](const IpHeader& h) { o.add_ip4(h.dst.bytes.data()); }); return;
    case kIpAddr:
      each_ip(*p, 4, [&](const IpHeader& h) {
        o.add_ip4(h.src.bytes.data());
        o.add_ip4(h.dst.bytes.data());
      });
      return;
    case kIpSrcHost: each_ip(*p, 4, [&](const IpHeader& h) { add_ip_text(c, o, h.src); }); return;
    case kIpDstHost: each_ip(*p, 4, [&](const IpHeader& h) { add_ip_text(c, o, h.dst); }); return;
    case kIpHost:
      each_ip(*p, 4, [&](const IpHeader& h) {
        add_ip_text(c, o, h.src);
        add_ip_text(c, o, h.dst);
      });
      return;
    case kIpVersion: each_ip(*p, 4, [&](const IpHeader&) { o.add_int(4); }); return;
    case kIpProto: each_ip(*p, 4, [&](const IpHeader& h) { o.add_int(h.protocol); }); return;
    default: break;
  }
  // Every IPv4 header's fields (an outer one, a tunnelled one, one quoted in an ICMP error),
  // as tshark shows each as an IP layer of its own.
  each_ip(*p, 4, [&](const IpHeader& h) {
    const std::uint16_t frag = h.flags_offset;
    switch (id) {
      case kIpHdrLen: return o.add_int(h.header_len);
      case kIpDsfield: return o.add_int(h.tos);
      case kIpDscp: return o.add_int(h.tos >> 2);
      case kIpEcn: return o.add_int(h.tos & 3);
      case kIpLen: return o.add_int(h.claimed_len);
      case kIpId: return o.add_int(h.ident);
      case kIpFlags: return o.add_int(frag >> 13);
      case kIpFlagsRb: return o.add_int((frag >> 15) & 1);
      case kIpFlagsDf: return o.add_int((frag >> 14) & 1);
      case kIpFlagsMf: return o.add_int((frag >> 13) & 1);
      case kIpFragOffset: return o.add_int((frag & 0x1fff) * 8);
      case kIpTtl: return o.add_int(h.ttl);
      case kIpChecksum: return o.add_int(h.checksum);
      default: return;
    }
  });
}

void ipv6_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const DecodedPacket* p = c.ev->pkt;
  if (p == nullptr) return;
  switch (id) {
    case kIpv6: each_ip(*p, 6, [&](const IpHeader&) { o.add_none(); }); return;
    case kIpv6Src: each_ip(*p, 6, [&](const IpHeader& h) { o.add_bytes(h.src.bytes.data(), 16); }); return;
    case kIpv6Dst: each_ip(*p, 6, [&](const IpHeader& h) { o.add_bytes(h.dst.bytes.data(), 16); }); return;
    case kIpv6Addr:
      each_ip(*p, 6, [&](const IpHeader& h) {
        o.add_bytes(h.src.bytes.data(), 16);
        o.add_bytes(h.dst.bytes.data(), 16);
      });
      return;
    case kIpv6Version: each_ip(*p, 6, [&](const IpHeader&) { o.add_int(6); }); return;
    default: break;
  }
  // Every IPv6 header's (outer, tunnelled, quoted in an ICMPv6 error), as for ip.*.
  each_ip(*p, 6, [&](const IpHeader& h) {
    switch (id) {
      case kIpv6Tclass: return o.add_int(h.tos);
      case kIpv6Flow: return o.add_int(h.flow_label);
      case kIpv6Plen: return o.add_int(h.claimed_len - 40);
      case kIpv6Nxt: return o.add_int(h.next_header);
      case kIpv6Hlim: return o.add_int(h.ttl);
      default: return;
    }
  });
}

// The eth.*, vlan.* and arp.* fields of one Ethernet frame (`d` from its first byte).
void ethernet_fields(ByteView d, std::uint16_t id, Out& o) {
  if (d.size() < 14) return;
  const std::uint8_t* dst = d.data();
  const std::uint8_t* src = d.data() + 6;
  switch (id) {
    case kEth: return o.add_bytes(d.data(), d.size());
    case kEthDst: return o.add_bytes(dst, 6);
    case kEthSrc: return o.add_bytes(src, 6);
    case kEthAddr: o.add_bytes(dst, 6); return o.add_bytes(src, 6);
    case kEthType: return o.add_int(load_be16(d, 12));
    case kEthIg: o.add_int(dst[0] & 1); return o.add_int(src[0] & 1);
    case kEthLg: o.add_int((dst[0] >> 1) & 1); return o.add_int((src[0] >> 1) & 1);
    case kEthDstIg: return o.add_int(dst[0] & 1);
    case kEthDstLg: return o.add_int((dst[0] >> 1) & 1);
    case kEthSrcIg: return o.add_int(src[0] & 1);
    case kEthSrcLg: return o.add_int((src[0] >> 1) & 1);
    default: break;
  }
  std::size_t off = 12;
  for (; off + 6 <= d.size() && is_vlan_type(load_be16(d, off)); off += 4) {
    const std::uint16_t tci = load_be16(d, off + 2);
    switch (id) {
      case kVlan: o.add_bytes(d.data() + off + 2, 4); break;
      case kVlanId: o.add_int(tci & 0xfff); break;
      case kVlanPriority: o.add_int(tci >> 13); break;
      case kVlanCfi: o.add_int((tci >> 12) & 1); break;
      case kVlanEtype: o.add_int(load_be16(d, off + 4)); break;
      default: break;
    }
  }
  if (id >= kVlan && id <= kVlanEtype) return;
  // ARP over Ethernet.
  if (off + 2 > d.size() || load_be16(d, off) != 0x0806) return;
  const ByteView arp = d.subspan(off + 2);
  if (arp.size() < 8) return;
  const unsigned hl = arp[4], pl = arp[5];
  const bool ether_ip = hl == 6 && pl == 4 && arp.size() >= 28;
  switch (id) {
    case kArp: return o.add_bytes(arp.data(), arp.size());
    case kArpHwType: return o.add_int(load_be16(arp, 0));
    case kArpProtoType: return o.add_int(load_be16(arp, 2));
    case kArpHwSize: return o.add_int(hl);
    case kArpProtoSize: return o.add_int(pl);
    case kArpOpcode: return o.add_int(load_be16(arp, 6));
    case kArpSrcHw: if (ether_ip) o.add_bytes(arp.data() + 8, 6); return;
    case kArpSrcIp: if (ether_ip) o.add_ip4(arp.data() + 14); return;
    case kArpDstHw: if (ether_ip) o.add_bytes(arp.data() + 18, 6); return;
    case kArpDstIp: if (ether_ip) o.add_ip4(arp.data() + 24); return;
    default: return;
  }
}

// A link layer or tunnel protocol: present or not (no fields of its own).
void encapsulation_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const RawPacket& raw = *c.ev->raw;
  const DecodedPacket* p = c.ev->pkt;
  bool present = false;
  auto has = [&](Layer l) { return p != nullptr && p->has(l); };
  switch (id) {
    case kSll: present = raw.linktype == linktype::kLinuxSll || raw.linktype == linktype::kLinuxSll2; break;
    case kNullLink: present = raw.linktype == linktype::kNull || raw.linktype == linktype::kLoop; break;
    case kGre: present = has(Layer::Gre) || has(Layer::Pptp) || has(Layer::Erspan); break;
    case kErspan: present = has(Layer::Erspan); break;
    case kVxlan: present = has(Layer::Vxlan); break;
    case kGeneve: present = has(Layer::Geneve); break;
    case kTeredo: present = has(Layer::Teredo); break;
    case kGtp: present = has(Layer::Gtpu); break;
    case kL2tp: present = has(Layer::L2tp); break;
    case kMpls: present = has(Layer::Mpls); break;
    case kPpp: present = has(Layer::Ppp) || has(Layer::Pptp) || has(Layer::Pppoe); break;
    case kPppoes: present = has(Layer::Pppoe); break;
    case kLlc: present = has(Layer::Llc); break;
    case kChdlc: present = has(Layer::Chdlc); break;
    case kWlan: present = has(Layer::Wlan); break;
    case kRadiotap: present = has(Layer::Radiotap); break;
    case kEsp:
      if (p != nullptr) each_ip(*p, 4, [&](const IpHeader& h) { present |= h.protocol == ipproto::kEsp; });
      if (p != nullptr) each_ip(*p, 6, [&](const IpHeader& h) { present |= h.protocol == ipproto::kEsp; });
      break;
    default: break;
  }
  if (present) o.add_none();
}

// The link's Ethernet frame, then one inside a tunnel: tshark dissects both.
void link_field(EvalCtx& c, std::uint16_t id, Out& o) {
  if (id >= kSll && id <= kEsp) return encapsulation_field(c, id, o);
  const RawPacket& raw = *c.ev->raw;
  if (raw.linktype == linktype::kEthernet) ethernet_fields(raw.data, id, o);
  if (c.ev->pkt != nullptr && !c.ev->pkt->inner_ethernet.empty()) ethernet_fields(c.ev->pkt->inner_ethernet, id, o);
}

void udp_field(std::uint16_t id, const UdpDatagram& u, Out& o) {
  switch (id) {
    case kUdp: return o.add_bytes(u.payload.data(), u.payload.size());
    case kUdpSrcPort: return o.add_int(u.src_port);
    case kUdpDstPort: return o.add_int(u.dst_port);
    case kUdpPort: o.add_int(u.src_port); return o.add_int(u.dst_port);
    case kUdpLength: return o.add_int(u.length);
    case kUdpChecksum: return o.add_int(u.checksum);
    case kUdpPayload: if (!u.payload.empty()) o.add_bytes(u.payload.data(), u.payload.size()); return;
    default: return;
  }
}

void transport_field(EvalCtx& c, std::uint16_t id, Out& o) {
  const DecodedPacket* p = c.ev->pkt;
  if (p == nullptr) return;
  if (id >= kUdp && id <= kUdpPayload) {
    // A tunnel's UDP (VXLAN, Geneve...) and the UDP inside it are both occurrences.
    if (p->has_tunnel_udp) udp_field(id, p->tunnel_udp, o);
    if (p->has(Layer::Udp)) udp_field(id, p->udp, o);
    if (p->in_icmp_error && p->icmp_error.has_udp) udp_field(id, p->icmp_error.udp, o);  // quoted
    return;
  }
  const bool v6 = id >= kIcmpv6;
  if (!p->has(v6 ? Layer::Icmpv6 : Layer::Icmp)) return;
  const ByteView t = p->icmp;
  if (id == kIcmp || id == kIcmpv6) return o.add_bytes(t.data(), t.size());
  if (t.size() < 8) return;
  switch (id) {
    case kIcmpType: case kIcmpv6Type: return o.add_int(t[0]);
    case kIcmpCode: case kIcmpv6Code: return o.add_int(t[1]);
    case kIcmpChecksum: case kIcmpv6Checksum: return o.add_int(load_be16(t, 2));
    case kIcmpIdent: if (t[0] == 0 || t[0] == 8) o.add_int(load_be16(t, 4)); return;
    case kIcmpSeq: if (t[0] == 0 || t[0] == 8) o.add_int(load_be16(t, 6)); return;
    default: return;
  }
}

}  // namespace

const FieldInfo* find_field(std::string_view name) {
  const auto& r = registry();
  auto it = std::lower_bound(r.begin(), r.end(), name, [](const FieldInfo& f, std::string_view n) { return f.name < n; });
  return it != r.end() && it->name == name ? &*it : nullptr;
}

std::span<const FieldInfo> all_fields() { return registry(); }

bool is_app_field(const FieldInfo& f) { return f.id >= kDns && f.id < kConn; }
bool is_conn_field(const FieldInfo& f) { return f.id >= kConn && f.id < kFieldCount; }

bool has_fast_equals(std::uint16_t id) {
  switch (id) {
    case kIpSrc: case kIpDst: case kIpAddr: case kTcpSrcPort: case kTcpDstPort: case kTcpPort: return true;
    default: return false;
  }
}

// tls.*: the records and handshake messages the renderer's TLS summariser saw in the frame.
void tls_field(EvalCtx& c, std::uint16_t id, Out& o) {
  if (c.app == nullptr || c.app->tls == nullptr || !c.app->tls->present) return;
  const wireshark::TlsFields& t = *c.app->tls;
  switch (id) {
    case kTls: return o.add_none();
    case kTlsRecord: for (int i = 0; i < t.records; ++i) o.add_none(); return;
    case kTlsContentType: case kTlsOpaqueType:
      for (int i = 0; i < t.records; ++i)
        if (t.record[i].opaque == (id == kTlsOpaqueType)) o.add_int(t.record[i].content_type);
      return;
    case kTlsRecordVersion: for (int i = 0; i < t.records; ++i) o.add_int(t.record[i].version); return;
    case kTlsRecordLength: for (int i = 0; i < t.records; ++i) o.add_int(t.record[i].length); return;
    case kTlsHandshake: for (int i = 0; i < t.handshakes; ++i) o.add_none(); return;
    case kTlsHandshakeType: for (int i = 0; i < t.hs_types; ++i) o.add_int(t.hs_type[i]); return;
    case kTlsHandshakeVersion: for (int i = 0; i < t.hs_versions; ++i) o.add_int(t.hs_version[i]); return;
    case kTlsServerName: if (!t.server_name.empty()) o.add_text(t.server_name); return;
    case kTlsCiphersuite: for (int i = 0; i < t.suites; ++i) o.add_int(t.suite[i]); return;
    case kTlsChangeCipherSpec: if (t.change_cipher_spec) o.add_none(); return;
    case kTlsAlertMessage: for (int i = 0; i < t.alert_records; ++i) o.add_none(); return;
    case kTlsAlertLevel: for (int i = 0; i < t.alerts; ++i) o.add_int(t.alert_level[i]); return;
    case kTlsAlertDesc: for (int i = 0; i < t.alerts; ++i) o.add_int(t.alert_desc[i]); return;
    default: return;
  }
}

// The same occurrences as extract() gives (ip_field, tcp_field), compared as they come.
bool fast_equals(std::uint16_t id, const EvalCtx& c, std::int64_t v) {
  if (c.ev == nullptr || c.ev->pkt == nullptr) return false;
  const DecodedPacket& p = *c.ev->pkt;
  if (id == kIpSrc || id == kIpDst || id == kIpAddr) {
    const auto want = static_cast<std::uint32_t>(v);
    bool found = false;
    each_ip(p, 4, [&](const IpHeader& h) {
      if (id != kIpDst && load_be32(h.src.bytes.data()) == want) found = true;
      if (id != kIpSrc && load_be32(h.dst.bytes.data()) == want) found = true;
    });
    return found;
  }
  for (const TcpSegment* t : {own_tcp(&p), quoted_tcp(&p)}) {
    if (t == nullptr) continue;
    if (id != kTcpDstPort && t->src_port == v) return true;
    if (id != kTcpSrcPort && t->dst_port == v) return true;
  }
  return false;
}

int extract(std::uint16_t id, EvalCtx& c, Value* out, int max) {
  Out o{out, max};
  if (id >= kConn) {
    conn_field(c, id, o);
    return std::min(o.n, max);
  }
  if (c.ev == nullptr) return 0;  // a record: packet fields are absent
  const RawPacket& raw = *c.ev->raw;
  switch (id) {
    case kFrame: o.add_bytes(raw.data.data(), raw.data.size()); break;
    case kFrameNumber: o.add_int(static_cast<std::int64_t>(raw.number)); break;
    case kFrameLen: o.add_int(raw.wirelen); break;
    case kFrameCapLen: o.add_int(raw.caplen); break;
    case kFrameTimeRelative: o.add_time(ns_between(raw.ts, c.ev->first_ts)); break;
    case kFrameTimeDelta: o.add_time(ns_between(raw.ts, c.ev->prev_ts)); break;
    case kFrameTimeEpoch: case kFrameTime: o.add_time(raw.ts.sec * 1000000000 + raw.ts.nsec); break;
    default:
      if (id < kIp) link_field(c, id, o);
      else if (id < kIpv6) ip_field(c, id, o);
      else if (id < kTcp) ipv6_field(c, id, o);
      else if (id < kUdp) tcp_field(c, id, o);
      else if (id < kDns) transport_field(c, id, o);
      else if (id < kHttp) dns_field(c, id, o);
      else if (id < kSsh) http_field(c, id, o);
      else if (id >= kTls) tls_field(c, id, o);
      else if (c.app != nullptr && ((id == kSsh && c.app->ssh) || (id == kSmtp && c.app->smtp) ||
                                    (id == kFtp && c.app->ftp) || (id == kResp && c.app->resp) ||
                                    (id == kMdns && c.app->mdns) || (id == kLlmnr && c.app->llmnr) ||
                                    (id == kWebSocket && c.app->websocket) || (id == kTelnet && c.app->telnet)))
        o.add_none();
  }
  return std::min(o.n, max);
}

}  // namespace tcplens::dfilter
