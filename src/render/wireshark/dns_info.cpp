#include "dns_info.hpp"

#include "render/wireshark/wireshark_private.hpp"
#include "tcplens/wire/ip_text.hpp"

#include <cstdio>

namespace tcplens::wireshark {

namespace {

const char* type_name(unsigned t) {
  switch (t) {
    case 0: return "Unused";
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 19: return "X25";
    case 20: return "ISDN";
    case 21: return "RT";
    case 22: return "NSAP";
    case 23: return "NSAP-PTR";
    case 24: return "SIG";
    case 25: return "KEY";
    case 26: return "PX";
    case 27: return "GPOS";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 30: return "NXT";
    case 31: return "EID";
    case 32: return "NIMLOC";
    case 33: return "SRV";
    case 34: return "ATMA";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 38: return "A6";
    case 39: return "DNAME";
    case 40: return "SINK";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 49: return "DHCID";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 55: return "HIP";
    case 57: return "RKEY";
    case 58: return "TALINK";
    case 59: return "CDS";
    case 60: return "CDNSKEY";
    case 61: return "OPENPGPKEY";
    case 62: return "CSYNC";
    case 63: return "ZONEMD";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 100: return "UINFO";
    case 101: return "UID";
    case 102: return "GID";
    case 103: return "UNSPEC";
    case 104: return "NID";
    case 105: return "L32";
    case 106: return "L64";
    case 107: return "LP";
    case 108: return "EUI48";
    case 109: return "EUI64";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILA";  // sic: Wireshark 4.0 swaps the two names
    case 254: return "MAILB";
    case 255: return "ANY";
    case 256: return "URI";
    case 257: return "CAA";
    case 32768: return "TA";
    case 32769: return "DLV";
    case 65281: return "WINS";
    case 65282: return "WINS-R";
    case 65422: return "XPF";
    default: return nullptr;
  }
}

void append_type(std::string& info, unsigned t) {
  if (const char* n = type_name(t)) {
    info += n;
  } else {
    info += "Unknown (" + std::to_string(t) + ")";
  }
}

const char* rcode_name(unsigned r) {
  switch (r) {
    case 1: return "Format error";
    case 2: return "Server failure";
    case 3: return "No such name";
    case 4: return "Not implemented";
    case 5: return "Refused";
    case 6: return "Name exists";
    case 7: return "RRset exists";
    case 8: return "RRset does not exist";
    case 9: return "Not authoritative";
    case 10: return "Name out of zone";
    case 11: return "DSO-Type not implemented";
    case 16: return "Bad OPT Version or TSIG Signature Failure";
    case 17: return "Key not recognized";
    case 18: return "Signature out of time window";
    case 19: return "Bad TKEY Mode";
    case 20: return "Duplicate key name";
    case 21: return "Algorithm not supported";
    case 22: return "Bad Truncation";
    case 23: return "Bad/missing Server Cookie";
    default: return nullptr;
  }
}

}  // namespace

// Pointers must point backwards, which also ends loops.
std::size_t read_name(ByteView msg, std::size_t off, std::string& name) {
  name.clear();
  std::size_t used = 0;
  bool jumped = false;
  std::size_t pos = off;
  std::size_t limit = off;  // pointers must go below the previous position
  for (int guard = 0; guard < 256; ++guard) {
    if (pos >= msg.size()) return 0;
    unsigned len = msg[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= msg.size()) return 0;
      std::size_t target = ((len & 0x3F) << 8) | msg[pos + 1];
      if (!jumped) used = pos + 2 - off;
      if (target >= limit) return 0;
      jumped = true;
      limit = target;
      pos = target;
      continue;
    }
    if (len & 0xC0) return 0;  // extended label types: not decoded
    if (len == 0) {
      if (!jumped) used = pos + 1 - off;
      if (name.empty()) name = "<Root>";
      return used;
    }
    if (pos + 1 + len > msg.size()) return 0;
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(msg.data() + pos + 1), len);
    pos += 1 + len;
  }
  return 0;
}

bool dns_info(ByteView msg, bool mdns, std::string& info) {
  if (msg.size() < 12) return false;
  const unsigned id = load_be16(msg.data());
  const unsigned flags = load_be16(msg.data() + 2);
  const unsigned opcode = (flags >> 11) & 0xF;
  const unsigned rcode = flags & 0xF;
  const bool response = (flags & 0x8000) != 0;
  switch (opcode) {
    case 0: info = "Standard query"; break;
    case 1: info = "Inverse query"; break;
    case 2: info = "Server status request"; break;
    case 4: info = "Zone change notification"; break;
    case 5: info = "Dynamic update"; break;
    case 6: info = "DNS Stateful operations (DSO)"; break;
    default: info = "Unknown operation (" + std::to_string(opcode) + ")";
  }
  if (response) info += " response";
  char idbuf[16];
  std::snprintf(idbuf, sizeof idbuf, " 0x%04x", id);
  info += idbuf;
  if (response && rcode != 0) {
    info += ' ';
    if (const char* r = rcode_name(rcode))
      info += r;
    else
      info += "Unknown error (" + std::to_string(rcode) + ")";
  }
  const unsigned qd = load_be16(msg.data() + 4);
  const unsigned rr = load_be16(msg.data() + 6) + load_be16(msg.data() + 8) +
                      load_be16(msg.data() + 10);
  std::size_t off = 12;
  std::string name;
  for (unsigned i = 0; i < qd; ++i) {
    std::size_t used = read_name(msg, off, name);
    if (used == 0 || off + used + 4 > msg.size()) return true;
    off += used;
    unsigned type = load_be16(msg.data() + off);
    unsigned cls = load_be16(msg.data() + off + 2);
    off += 4;
    info += ' ';
    append_type(info, type);
    info += ' ';
    info += format_text(name);
    if (mdns) info += (cls & 0x8000) ? ", \"QU\" question" : ", \"QM\" question";
  }
  for (unsigned i = 0; i < rr; ++i) {
    std::size_t used = read_name(msg, off, name);
    if (used == 0 || off + used + 10 > msg.size()) return true;
    off += used;
    unsigned type = load_be16(msg.data() + off);
    unsigned cls = load_be16(msg.data() + off + 2);
    unsigned rdlen = load_be16(msg.data() + off + 8);
    off += 10;
    info += ' ';
    append_type(info, type);
    if (mdns && type != 41 && (cls & 0x8000)) info += ", cache flush";
    if (rdlen == 0 || off + rdlen > msg.size()) {
      off += rdlen;
      if (off > msg.size()) return true;
      continue;
    }
    const std::uint8_t* d = msg.data() + off;
    std::string target;
    switch (type) {
      case 1:
        if (rdlen >= 4) {
          char buf[16];
          info += ' ';
          info.append(buf, format_ipv4_text(buf, d));
        }
        break;
      case 28:
        if (rdlen >= 16) {
          // RFC 5952 text, as tshark prints it (with the platform's inet_ntop).
          char buf[48];
          info += ' ';
          info.append(buf, format_ipv6_text(buf, d));
        }
        break;
      case 2:
      case 5:
      case 12:
      case 39:
      case 47:  // NSEC: the next owner name
      case 6:   // SOA: the primary name server
        if (read_name(msg, off, target) != 0) {
          info += ' ';
          info += format_text(target);
        }
        break;
      case 15:
        if (rdlen >= 3 && read_name(msg, off + 2, target) != 0) {
          info += ' ' + std::to_string(load_be16(d)) + ' ';
          info += format_text(target);
        }
        break;
      case 33:
        if (rdlen >= 7 && read_name(msg, off + 6, target) != 0) {
          info += ' ' + std::to_string(load_be16(d)) + ' ' + std::to_string(load_be16(d + 2)) + ' ' +
                  std::to_string(load_be16(d + 4)) + ' ';
          info += format_text(target);
        }
        break;
      case 13: {
        unsigned cpu = d[0];
        if (1 + cpu < rdlen) {
          unsigned os = d[1 + cpu];
          if (2 + cpu + os <= rdlen) {
            info += ' ';
            info.append(reinterpret_cast<const char*>(d + 1), cpu);
            info += ' ';
            info.append(reinterpret_cast<const char*>(d + 2 + cpu), os);
          }
        }
        break;
      }
      default:
        break;
    }
    off += rdlen;
  }
  return true;
}

}  // namespace tcplens::wireshark
