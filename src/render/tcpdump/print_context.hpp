// Private to the tcpdump renderer: the dissection context every printer function receives.
//
// It plays the role of tcpdump's netdissect_options: the end of the captured bytes
// ("snapend"), which may be pulled in by a protocol's own length (push_snaplen), the name of
// the protocol being printed (for " [|proto]"), the options, and the output.
//
// Reads go through get_*(), which throw Truncated when they would pass snapend: that is
// tcpdump's longjmp out of a printer, and print_packet() catches it and prints " [|proto]".
// Watch out: everything a printer has printed before the throw stays, exactly as in tcpdump.
#pragma once

#include <cstdint>
#include <string_view>

#include "tcplens/bytes.hpp"
#include "tcplens/render/output.hpp"
#include "tcplens/render/tcpdump_renderer.hpp"

namespace tcplens::tcpdump {

struct Truncated {};

class TcpSeqTable;

struct PrintContext {
  // A constructor, not aggregate initialisation, so that snap_stack is not zeroed for every
  // packet (a 144-byte rep stos was 4% of print -n).
  PrintContext(Output& o, const TcpdumpOptions& options, TcpSeqTable& seq)
      : out(o), opt(options), tcp_seq(seq) {}

  Output& out;
  const TcpdumpOptions& opt;
  TcpSeqTable& tcp_seq;
  const std::uint8_t* packet = nullptr;  // first byte of the packet
  const std::uint8_t* snapend = nullptr;
  const char* protocol = "";
  unsigned ll_hdr_len = 0;  // link header length, for -x/-X without the link layer

  // Saved snapends for push/pop, as tcpdump's packet-info stack.
  static constexpr int kMaxSnapStack = 16;
  const std::uint8_t* snap_stack[kMaxSnapStack] = {};
  int snap_depth = 0;

  // --- bounds -------------------------------------------------------------------------
  // True when n bytes from p were captured (tcpdump's ND_TTEST_LEN).
  bool ttest(const std::uint8_t* p, std::size_t n) const {
    return p >= packet && p <= snapend && n <= static_cast<std::size_t>(snapend - p);
  }
  void tcheck(const std::uint8_t* p, std::size_t n) const {
    if (!ttest(p, n)) throw Truncated{};
  }
  std::size_t available(const std::uint8_t* p) const {
    return (p >= packet && p <= snapend) ? static_cast<std::size_t>(snapend - p) : 0;
  }

  std::uint8_t u8(const std::uint8_t* p) const {
    tcheck(p, 1);
    return *p;
  }
  std::uint16_t be16(const std::uint8_t* p) const {
    tcheck(p, 2);
    return load_be16(p);
  }
  std::uint32_t be24(const std::uint8_t* p) const {
    tcheck(p, 3);
    return load_be24(p);
  }
  std::uint32_t be32(const std::uint8_t* p) const {
    tcheck(p, 4);
    return load_be32(p);
  }
  std::uint64_t be64(const std::uint8_t* p) const {
    tcheck(p, 8);
    return load_be64(p);
  }
  std::uint16_t le16(const std::uint8_t* p) const {
    tcheck(p, 2);
    return load_le16(p);
  }
  std::uint32_t le32(const std::uint8_t* p) const {
    tcheck(p, 4);
    return load_le32(p);
  }

  // nd_push_snaplen: only ever shortens what may be read.
  void push_snaplen(const std::uint8_t* bp, std::size_t len) {
    if (snap_depth < kMaxSnapStack) snap_stack[snap_depth++] = snapend;
    if (bp >= packet && bp <= snapend && len < static_cast<std::size_t>(snapend - bp))
      snapend = bp + len;
  }
  // nd_change_snaplen: re-derives the limit from the saved one.
  void change_snaplen(const std::uint8_t* bp, std::size_t len) {
    const std::uint8_t* outer = snap_depth > 0 ? snap_stack[snap_depth - 1] : snapend;
    if (bp >= packet && bp <= outer && len < static_cast<std::size_t>(outer - bp))
      snapend = bp + len;
    else
      snapend = outer;
  }
  void pop_snaplen() {
    if (snap_depth > 0) snapend = snap_stack[--snap_depth];
  }

  // --- output helpers -----------------------------------------------------------------
  TCPLENS_INLINE void put(std::string_view s) { out.put(s); }
  TCPLENS_INLINE void put(char c) { out.put(c); }
  void put_u(std::uint32_t v) { out.put_u32(v); }
  void put_ipv4(const std::uint8_t* p) {
    tcheck(p, 4);
    out.put_ipv4(p);
  }
  void put_ipv6(const std::uint8_t* p) {
    tcheck(p, 16);
    out.put_ipv6(p);
  }
  void put_mac(const std::uint8_t* p);  // aa:bb:cc:dd:ee:ff (checked)
  void print_trunc() {
    out.put(" [|");
    out.put(protocol);
    out.put(']');
  }
  void print_invalid() { out.put(" (invalid)"); }
  // fn_print_char: printable ASCII as is, others as M- / ^ escapes.
  void print_char(std::uint8_t c);
  // nd_printjnp / nd_printn equivalents.
  void print_padded_string(const std::uint8_t* s, std::size_t n);
};

// unsigned_relts_print: a number of seconds as 1h2m3s (print_domain.cpp).
void put_relts(PrintContext& ctx, std::uint32_t secs);

// A name from a value table, or `unknown` with the value formatted by `fmt_unknown`.
struct Tok {
  std::uint32_t value;
  const char* name;
};
const char* tok_lookup(const Tok* table, std::uint32_t value);
// tok2str: the name, or `unknown_prefix`, the decimal value and `unknown_suffix` ("unknown-%u"
// style callers pass "unknown-" and get "unknown-7"; "Unknown (%u)": "Unknown (" and ")").
void put_tok(PrintContext& ctx, const Tok* table, std::uint32_t value,
             std::string_view unknown_prefix, std::string_view unknown_suffix = {});
// bittok2str: names of the set bits joined by `sep`, or `none` when no bit is known.
void put_bittok(PrintContext& ctx, const Tok* table, std::uint32_t value, std::string_view none,
                std::string_view sep);

// Ethertype names as tcpdump's ethertype_values.
extern const Tok kEthertypeValues[];

// Ethertype name as tcpdump's ethertype_values, or `unknown`.
void put_ethertype_name(PrintContext& ctx, std::uint16_t type, std::string_view unknown);

// "src.sport > dst.dport: " as TCP and UDP print their first words (udpipaddr_print): the
// addresses only when the IP header's own protocol is `proto` (not behind extension headers),
// the ports only when known (>= 0).
void ip_ports_print(PrintContext& ctx, const std::uint8_t* iph, std::uint8_t proto, int sport,
                    int dport);

// IP protocol names as tcpdump's ipproto_values.
const char* ipproto_name(std::uint8_t proto);

// Printers, one per protocol; each mirrors the tcpdump function of the same name.
void ether_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen);
bool ethertype_print(PrintContext& ctx, std::uint16_t type, const std::uint8_t* p,
                     unsigned length, unsigned caplen, const std::uint8_t* src_mac,
                     const std::uint8_t* dst_mac);
void ip_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void ip6_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void ipn_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void ip_demux_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, int ver,
                    bool fragmented, std::uint8_t ttl_hl, std::uint8_t nh,
                    const std::uint8_t* iph);
// The IPv6 mobility header (print_mobility.cpp).
void mobility_print(PrintContext& ctx, const std::uint8_t* bp);
// IPsec AH (print_ah.cpp); returns the header's length.
unsigned ah_print(PrintContext& ctx, const std::uint8_t* bp);
void esp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
// false: not reproduced (DVMRP, PIMv1), nothing printed.
bool igmp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len);
void vrrp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len, const std::uint8_t* iph,
                unsigned ttl, int ver);
void tcp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
               const std::uint8_t* iph, bool fragmented);
void udp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
               const std::uint8_t* iph, bool fragmented, std::uint8_t ttl_hl);
void icmp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
                const std::uint8_t* iph, bool fragmented);
void icmp6_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length,
                 const std::uint8_t* iph, bool fragmented);
void arp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, unsigned caplen);
// 802.2 LLC header and what follows (print-llc.c); src/dst are the MAC addresses or null.
// Returns the header length, negated when the payload was not printed.
int llc_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen,
              const std::uint8_t* src, const std::uint8_t* dst);
void stp_print(PrintContext& ctx, const std::uint8_t* p, unsigned length);
// DNS message (after the TCP length prefix for DNS over TCP).
void domain_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length, bool over_tcp,
                  bool multicast);
// Ethernet configuration testing protocol (ethertype 0x9000).
void loopback_print(PrintContext& ctx, const std::uint8_t* cp, unsigned len);
// UDP tunnels: VXLAN (port 4789) and Geneve (port 6081).
void vxlan_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len);
void vxlan_gpe_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len);
void l2tp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
// UDP services: TFTP (port 69) and RIPng (port 521).
void tftp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void ripng_print(PrintContext& ctx, const std::uint8_t* dat, unsigned length);
// Syslog (port 514).
void syslog_print(PrintContext& ctx, const std::uint8_t* p, unsigned len);
// udp_print's dispatch by port (print_udp_ports.cpp): true when a protocol printer printed
// the payload, false for the generic "UDP, length N".
bool udp_port_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length,
                    std::uint16_t sport, std::uint16_t dport, bool v6);
// RIP v1 and v2 (520): the first line; with -v every entry.
void rip_print(PrintContext& ctx, const std::uint8_t* dat, unsigned length);
// NTP (123): the first line; with -v every field.
void ntp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
// BOOTP/DHCP (67, 68) and DHCPv6 (546, 547): the first line; with -v the fields and every
// option (print_dhcp.cpp).
void bootp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void dhcp6_print(PrintContext& ctx, const std::uint8_t* cp, unsigned length);
// SNMP (161, 162): tcpdump's BER walk of the whole message (print_snmp.cpp).
void snmp_print(PrintContext& ctx, const std::uint8_t* np, unsigned length);
// GRE versions 0 and 1 (print-gre.c) and MPLS label stacks (print-mpls.c).
void gre_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void mpls_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
// PPP protocol names (ppptype2str) and the name or `unknown_prefix` and (0xNNNN).
extern const Tok kPppTypes[];
void put_ppp_type(PrintContext& ctx, std::uint16_t proto, const char* unknown_prefix);
// PPP control protocols (LCP, IPCP, IP6CP, CCP, BACP, OSICP, MPLSCP: handle_ctrl_proto) and,
// returning false for others, MLPPP, CHAP, PAP and BAP (print_ppp_control.cpp).
void ppp_ctrl_print(PrintContext& ctx, std::uint16_t proto, const std::uint8_t* p, unsigned length);
bool ppp_auth_print(PrintContext& ctx, std::uint16_t proto, const std::uint8_t* p, unsigned length);
// Organisation names by OUI (tcpdump's oui_values).
extern const Tok kOuiValues[];
// PPP from its address/control field (ppp_print); returns the header length.
unsigned ppp_print(PrintContext& ctx, const std::uint8_t* p, unsigned length);
// Link types PPP (ppp_if_print), PPP_SERIAL (ppp_hdlc_if_print) and C_HDLC (chdlc_if_print);
// each returns the link header length.
unsigned ppp_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen);
unsigned ppp_hdlc_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen);
unsigned chdlc_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen);
void chdlc_print(PrintContext& ctx, const std::uint8_t* p, unsigned length);
// Link types IEEE802_11 and IEEE802_11_RADIO (print-802_11.c); return the header length.
unsigned wlan_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen);
unsigned radiotap_if_print(PrintContext& ctx, const std::uint8_t* p, unsigned length, unsigned caplen);
// PPPoE discovery and session (print-pppoe.c); returns the header length.
unsigned pppoe_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);
void geneve_print(PrintContext& ctx, const std::uint8_t* bp, unsigned len);
// A DNS name at cp, compression pointers relative to the message at bp (tcpdump's
// fqdn_print); returns the end of the name in place, or null after printing why not.
const std::uint8_t* dns_name_print(PrintContext& ctx, const std::uint8_t* cp,
                                   const std::uint8_t* bp);
// HTTP: the first line of a request or response on the HTTP ports (txtproto_print).
void http_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);

// MPTCP option body, cp at the option kind (print-mptcp.c); false when it is malformed.
bool mptcp_print(PrintContext& ctx, const std::uint8_t* cp, unsigned len, std::uint8_t flags);
// Text protocols on their well-known ports (txtproto_print in tcpdump's util-print.c), used
// for SMTP, FTP, WHOIS, RTSP; `cmds` lists the commands that start a request (may be null).
void txtproto_print(PrintContext& ctx, const std::uint8_t* pptr, unsigned len,
                    const char* protoname, const char* const* cmds, bool print_this);
void telnet_print(PrintContext& ctx, const std::uint8_t* sp, unsigned length);
void ssh_print(PrintContext& ctx, const std::uint8_t* pptr, unsigned len);
// Redis serialization protocol (print-resp.c).
void resp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length);

// Internet checksum over the pseudo-header and segment (0 when correct).
std::uint16_t in_cksum(const std::uint8_t* data, std::size_t len, std::uint32_t initial = 0);
std::uint16_t in_cksum_shouldbe(std::uint16_t sum, std::uint16_t computed_sum);
std::uint16_t nextproto4_cksum(PrintContext& ctx, const std::uint8_t* iph,
                               const std::uint8_t* data, unsigned len, unsigned covlen,
                               std::uint8_t next_proto);
std::uint16_t nextproto6_cksum(PrintContext& ctx, const std::uint8_t* ip6,
                               const std::uint8_t* data, unsigned len, unsigned covlen,
                               std::uint8_t next_proto);

// Days since 1970-01-01 to a proleptic Gregorian date; a time as "%Y-%m-%dT%H:%M:%SZ" (UTC).
void civil_from_days(std::int64_t z, std::int64_t& y, std::uint32_t& m, std::uint32_t& d);
void put_utc_iso8601(Output& out, std::int64_t sec);

// Hex and ASCII dumps (-x, -X, -A), each line starting with `ident`.
void hex_and_ascii_print(Output& out, std::string_view ident, const std::uint8_t* p,
                         unsigned length);
void hex_print(Output& out, std::string_view ident, const std::uint8_t* p, unsigned length);
void ascii_print(Output& out, const std::uint8_t* p, unsigned length);

// tcpdump's print_unknown_data(): a hex dump of what was captured of `len` bytes, each line
// starting with `ident` (ICMP extensions, ICMPv6 options).
void print_unknown_data(PrintContext& ctx, const std::uint8_t* cp, std::string_view ident,
                        unsigned len);

// nd_printztn(): a NUL-terminated string of at most n bytes, each byte as fn_print_char;
// returns the bytes taken with the NUL, 0 when it does not end within n (or the capture).
unsigned print_zt(PrintContext& ctx, const std::uint8_t* p, unsigned n);

// Payload printing when a printer has nothing better (ND_DEFAULTPRINT).
void default_print(PrintContext& ctx, const std::uint8_t* p, unsigned caplen);
// tcpdump's ndo_suppress_default_print: -q, -x and -X (not -A) turn off the raw dump of
// payloads no printer knows.
inline bool suppress_default_print(const PrintContext& ctx) {
  return ctx.opt.quiet || ctx.opt.hex || ctx.opt.hex_ascii;
}

}  // namespace tcplens::tcpdump
