// SSH summaries as Wireshark 4.0's packet-ssh.c writes them (our own code, read for facts):
// dissect_ssh() loops over the messages of a segment; the identification line gives
// "Protocol (...)"; SSHv2 key exchange messages are named until NEWKEYS; after it a message
// is "Encrypted packet (len=N)", or nothing at all when packet-ssh.c sets up a decryption
// cipher (its keys are unknown, so the attempt yields no text). "Client: "/"Server: " is
// prepended only when the loop ends without asking TCP for more data.
#include "render/wireshark/ssh_info.hpp"

#include <cstdio>
#include <string_view>

#include "render/wireshark/wireshark_private.hpp"

namespace tcplens::wireshark {

namespace {

using Peer = SshStream::Peer;

constexpr std::size_t kListCap = 1024;  // longest name-list kept for the kex choice

enum class Step { Ok, NeedMore, Malformed };

constexpr std::uint32_t kOneMoreSegment = SplitPdu::kOneMoreSegment;

// A tvb as packet-ssh.c reads it: a read past the captured bytes throws (here: fails).
struct Tvb {
  ByteView d;
  bool has(std::size_t off, std::size_t len) const { return off <= d.size() && len <= d.size() - off; }
  bool u32(std::size_t off, std::uint32_t& v) const {
    if (!has(off, 4)) return false;
    v = load_be32(d, off);
    return true;
  }
};

bool ieq_prefix(ByteView d, std::size_t off, std::string_view p) {
  if (off > d.size() || d.size() - off < p.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = static_cast<char>(d[off + i]);
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    char q = p[i];
    if (q >= 'a' && q <= 'z') q = static_cast<char>(q - 'a' + 'A');
    if (c != q) return false;
  }
  return true;
}

// col_append_sep_str(..., NULL, s): ", " when the column already holds text.
void append_sep(std::string& info, std::string_view s) {
  if (!info.empty()) info += ", ";
  info += s;
}

void append_unknown(std::string& info, unsigned code) {
  append_sep(info, "Unknown (" + std::to_string(code) + ")");
}

const char* ssh2_msg_name(unsigned code) {
  switch (code) {
    case 1: return "Disconnect";
    case 2: return "Ignore";
    case 3: return "Unimplemented";
    case 4: return "Debug";
    case 5: return "Service Request";
    case 6: return "Service Accept";
    case 20: return "Key Exchange Init";
    case 21: return "New Keys";
    case 50: return "User Authentication Request";
    case 51: return "User Authentication Failure";
    case 52: return "User Authentication Success";
    case 53: return "User Authentication Banner";
    case 60: return "Public Key algorithm accepted";
    case 80: return "Global Request";
    case 81: return "Request Success";
    case 82: return "Request Failure";
    case 90: return "Channel Open";
    case 91: return "Channel Open Confirmation";
    case 92: return "Channel Open Failure";
    case 93: return "Window Adjust";
    case 94: return "Channel Data";
    case 95: return "Channel Extended Data";
    case 96: return "Channel EOF";
    case 97: return "Channel Close";
    case 98: return "Channel Request";
    case 99: return "Channel Success";
    case 100: return "Channel Failure";
    default: return nullptr;
  }
}

const char* kex_msg_name(SshStream::Kex kex, unsigned code) {
  switch (kex) {
    case SshStream::Kex::Dh:
      if (code == 30) return "Diffie-Hellman Key Exchange Init";
      if (code == 31) return "Diffie-Hellman Key Exchange Reply";
      return nullptr;
    case SshStream::Kex::DhGex:
      switch (code) {
        case 30: return "Diffie-Hellman Group Exchange Request (Old)";
        case 31: return "Diffie-Hellman Group Exchange Group";
        case 32: return "Diffie-Hellman Group Exchange Init";
        case 33: return "Diffie-Hellman Group Exchange Reply";
        case 34: return "Diffie-Hellman Group Exchange Request";
        default: return nullptr;
      }
    case SshStream::Kex::Ecdh:
      if (code == 30) return "Elliptic Curve Diffie-Hellman Key Exchange Init";
      if (code == 31) return "Elliptic Curve Diffie-Hellman Key Exchange Reply";
      return nullptr;
  }
  return nullptr;
}

const char* ssh1_msg_name(unsigned code) {
  switch (code) {
    case 0: return "No Message";
    case 1: return "Disconnect";
    case 2: return "Public Key";
    case 3: return "Session Key";
    case 4: return "User";
    default: return nullptr;
  }
}

// ssh_choose_algo(): the first client algorithm the server also lists.
std::string_view choose(std::string_view client, std::string_view server) {
  while (true) {
    const std::size_t comma = client.find(',');
    const std::string_view name = client.substr(0, comma);
    std::string_view rest = server;
    while (true) {
      const std::size_t c = rest.find(',');
      if (rest.substr(0, c) == name) return name;
      if (c == std::string_view::npos) break;
      rest.remove_prefix(c + 1);
    }
    if (comma == std::string_view::npos) return {};
    client.remove_prefix(comma + 1);
  }
}

// ssh_set_kex_specific_dissector(): unknown names keep the plain DH names.
SshStream::Kex kex_kind(std::string_view name, SshStream::Kex current) {
  if (name == "diffie-hellman-group-exchange-sha1" || name == "diffie-hellman-group-exchange-sha256")
    return SshStream::Kex::DhGex;
  if (name.substr(0, 10) == "ecdh-sha2-" || name == "curve25519-sha256@libssh.org" ||
      name == "curve25519-sha256" || name == "curve448-sha512")
    return SshStream::Kex::Ecdh;
  return current;
}

// ssh_decryption_set_cipher_id(): ciphers packet-ssh.c sets up for decryption.
bool decryptable(std::string_view enc) {
  return enc == "chacha20-poly1305@openssh.com" || enc == "aes128-gcm@openssh.com" ||
         enc == "aes128-gcm" || enc == "aes256-gcm@openssh.com" || enc == "aes256-gcm" ||
         enc == "aes128-cbc" || enc == "aes192-cbc" || enc == "aes256-cbc" || enc == "aes128-ctr" ||
         enc == "aes192-ctr" || enc == "aes256-ctr";
}

// ssh_dissect_key_init(): cookie and ten name-lists; keeps the lists the kex choice needs.
Step key_init(SshStream& s, Peer& p, const Tvb& t, std::size_t off) {
  off += 16;
  for (int i = 0; i < 10; ++i) {
    std::uint32_t len = 0;
    if (!t.u32(off, len) || !t.has(off + 4, len)) return Step::Malformed;
    const std::string_view list(reinterpret_cast<const char*>(t.d.data()) + off + 4,
                                std::min<std::size_t>(len, kListCap));
    if (!s.kex_chosen) {
      if (i == 0) p.kex_list.assign(list);
      if (i == 2 || i == 3) p.enc_list[i - 2].assign(list);
    }
    off += 4 + len;
  }
  if (!t.has(off, 5)) return Step::Malformed;  // first_kex_packet_follows, reserved
  p.has_lists = true;
  if (!s.kex_chosen && s.peer[0].has_lists && s.peer[1].has_lists) {
    s.kex_chosen = true;
    s.kex = kex_kind(choose(s.peer[0].kex_list, s.peer[1].kex_list), s.kex);
  }
  return Step::Ok;
}

// ssh_choose_enc_mac(), called by the DH and ECDH replies (not by the group exchange, whose
// call is compiled out in 4.0): decides which directions get a decryption cipher.
void choose_ciphers(SshStream& s) {
  for (int dir = 0; dir < 2; ++dir)
    s.peer[dir].cipher_known = decryptable(choose(s.peer[0].enc_list[dir], s.peer[1].enc_list[dir]));
  for (Peer& p : s.peer) {
    p.kex_list.clear();
    p.kex_list.shrink_to_fit();
    for (std::string& e : p.enc_list) {
      e.clear();
      e.shrink_to_fit();
    }
  }
}

// ssh_tree_add_hostkey() and ..._hostsignature() without a tree: only their tvb_get_*()
// and tvb_memdup() calls can throw.
bool blob(const Tvb& t, std::size_t off, bool key, std::size_t& size) {
  std::uint32_t len = 0, type_len = 0;
  if (!t.u32(off, len) || !t.u32(off + 4, type_len) || !t.has(off + 8, type_len)) return false;
  if (key && !t.has(off + 4, len)) return false;
  const std::string_view type(reinterpret_cast<const char*>(t.d.data()) + off + 8, type_len);
  std::size_t p = off + 8 + type_len;
  std::uint32_t v = 0;
  auto mpint = [&](bool advance) {
    if (!t.u32(p, v)) return false;
    if (advance) p += 4 + std::size_t{v};
    return true;
  };
  bool ok = true;
  if (type == "ssh-rsa") ok = key ? (mpint(true) && mpint(false)) : mpint(false);
  else if (type == "ssh-dss") ok = key ? (mpint(true) && mpint(true) && mpint(true) && mpint(false)) : mpint(false);
  else if (key && type.substr(0, 11) == "ecdsa-sha2-") ok = mpint(true) && mpint(false);
  else if (key && type.substr(0, 6) == "ssh-ed") ok = mpint(false);
  size = 4 + std::size_t{len};
  return ok;
}

// ssh_read_e()/ssh_read_f(): the value is copied when its length is plausible.
bool read_public(const Tvb& t, std::size_t off) {
  std::uint32_t len = 0;
  if (!t.u32(off, len)) return false;
  return len == 0 || len > 1025 || t.has(off + 4, len);
}

Step kex_specific(SshStream& s, const Tvb& t, std::size_t off, unsigned code, std::string& info) {
  const char* name = kex_msg_name(s.kex, code);
  if (name) append_sep(info, name);
  else append_unknown(info, code);
  std::size_t p = off + 1, n = 0;
  const bool reply = (s.kex == SshStream::Kex::DhGex && code == 33) ||
                     (s.kex != SshStream::Kex::DhGex && code == 31);
  if (s.kex != SshStream::Kex::DhGex && code == 30 && !read_public(t, p)) return Step::Malformed;
  if (!reply) return Step::Ok;
  if (!blob(t, p, true, n)) return Step::Malformed;
  p += n;
  if (s.kex != SshStream::Kex::DhGex) {
    if (!read_public(t, p)) return Step::Malformed;
    choose_ciphers(s);
  }
  std::uint32_t len = 0;
  if (!t.u32(p, len)) return Step::Malformed;  // f or Q_S
  p += 4 + std::size_t{len};
  if (!blob(t, p, false, n)) return Step::Malformed;
  return Step::Ok;
}

// One call of dissect_ssh() on a tvb: where it stopped and what it asked TCP for.
struct Call {
  SshStream& s;
  Peer& p;
  Tvb t;
  std::uint64_t frame;
  std::string& info;
  std::size_t off = 0;
  std::uint32_t deseg = 0;  // pinfo->desegment_len after a NeedMore
};

Step need(Call& c, std::uint64_t len) {
  c.deseg = len >= kOneMoreSegment ? kOneMoreSegment : static_cast<std::uint32_t>(len);
  return Step::NeedMore;
}

// ssh_dissect_key_exchange(): one binary packet of the key exchange.
Step key_exchange(Call& c) {
  const Tvb& t = c.t;
  const std::size_t remain = t.d.size() - c.off;
  if (remain < 4) return need(c, kOneMoreSegment);
  std::uint32_t plen = load_be32(t.d, c.off);
  if (std::uint64_t{plen} + 4 > remain) return need(c, std::uint64_t{plen} + 4 - remain);
  if (plen >= 0xffff) plen = static_cast<std::uint32_t>(remain - 4);
  if (!t.has(c.off + 4, 2)) return Step::Malformed;
  const std::size_t code_off = c.off + 5;
  const unsigned code = t.d[code_off];
  if (code >= 30 && code < 40) {
    const Step r = kex_specific(c.s, t, code_off, code, c.info);
    if (r != Step::Ok) return r;
  } else {
    if (const char* name = ssh2_msg_name(code)) append_sep(c.info, name);
    else append_unknown(c.info, code);
    if (code == 20) {
      const Step r = key_init(c.s, c.p, t, code_off + 1);
      if (r != Step::Ok) return r;
      if (c.p.key_start == 0) c.p.key_start = c.frame;
    } else if (code == 21 && c.p.key_end == 0) {
      c.p.key_end = c.frame;
      c.p.key_end_offset = code_off + 1;
      c.p.decrypting = c.p.cipher_known;
    }
  }
  c.off += 4 + std::size_t{plen};
  return Step::Ok;
}

void encrypted(std::size_t len, std::string& info) {
  char buf[48];  // formatted in place: this is every packet of an SSH session
  const int n = std::snprintf(buf, sizeof buf, "Encrypted packet (len=%zu)", len);
  append_sep(info, std::string_view(buf, static_cast<std::size_t>(n)));
}

Step ssh2(Call& c) {
  const Peer& p = c.p;
  while (c.off < c.t.d.size()) {
    const bool kex = p.key_start == 0 ||
                     (p.key_start <= c.frame &&
                      (p.key_end == 0 || c.frame < p.key_end ||
                       (c.frame == p.key_end && c.off < p.key_end_offset)));
    if (kex) {
      const Step r = key_exchange(c);
      if (r != Step::Ok) return r;
    } else {
      // ssh_try_dissect_encrypted_packet(): the rest of the tvb is one packet.
      if (!p.decrypting) encrypted(c.t.d.size() - c.off, c.info);
      c.off = c.t.d.size();
    }
  }
  return Step::Ok;
}

// ssh_dissect_ssh1(): one packet; only the first frame with messages shows their codes.
Step ssh1(Call& c) {
  const Tvb& t = c.t;
  Peer& p = c.p;
  const std::size_t remain = t.d.size() - c.off;
  if (remain < 4) return need(c, kOneMoreSegment);
  std::uint32_t plen = load_be32(t.d, c.off);
  const std::uint32_t padding = 8 - plen % 8;
  // packet-ssh.c asks for 4 bytes too few here (it leaves out the length field), so the
  // reassembled PDU comes back one length field short and is dropped.
  if (std::uint64_t{plen} + 4 + padding > remain)
    return need(c, std::uint64_t{plen} + padding > remain ? std::uint64_t{plen} + padding - remain : 0);
  if (plen >= 0xffff) plen = static_cast<std::uint32_t>(remain - 4 - padding);
  c.off += 4 + padding;
  std::size_t len = plen;
  if (p.key_start == 0 || (p.key_start >= c.frame && c.frame <= p.key_end)) {
    if (!t.has(c.off, 1)) return Step::Malformed;
    const unsigned code = t.d[c.off];
    if (const char* name = ssh1_msg_name(code)) append_sep(c.info, name);
    else append_unknown(c.info, code);
    c.off += 1;
    len = plen ? plen - 1 : 0;
    if (p.key_start == 0) p.key_start = c.frame;
    p.key_end = c.frame;
  } else {
    encrypted(len, c.info);
  }
  c.off = std::min(c.off + len, t.d.size());
  return Step::Ok;
}

// ssh_dissect_protocol(): the identification line; a client's sets the version.
Step identification(Call& c, bool server, int& version) {
  const Tvb& t = c.t;
  if (!server) {
    if (ieq_prefix(t.d, c.off, "SSH-2.") || ieq_prefix(t.d, c.off, "SSH-1.99-")) version = 2;
    else if (ieq_prefix(t.d, c.off, "SSH-1.")) version = 1;
  }
  std::size_t nl = c.off;
  while (nl < t.d.size() && t.d[nl] != '\n') ++nl;
  if (nl == t.d.size()) return need(c, kOneMoreSegment);
  std::size_t protolen = nl - c.off;
  if (protolen > 0 && t.d[nl - 1] == '\r') --protolen;
  const std::string_view line(reinterpret_cast<const char*>(t.d.data()) + c.off, protolen);
  append_sep(c.info, "Protocol (" + format_text(line) + ")");
  c.off = nl + 1;
  return Step::Ok;
}

// dissect_ssh(): the loop over one tvb.
Step dissect(Call& c, bool server) {
  SshStream& s = c.s;
  Peer& p = c.p;
  int version = s.version;
  while (c.off < c.t.d.size()) {
    const std::size_t last = c.off;
    const bool after_start = p.version_start == 0 || c.frame >= p.version_start;
    const bool before_end = p.version_end == 0 || c.frame <= p.version_end;
    Step r = Step::Ok;
    if (after_start && before_end && ieq_prefix(c.t.d, c.off, "SSH-")) {
      if (p.version_start == 0) p.version_start = c.frame;
      r = identification(c, server, version);
      if (r == Step::Ok) {
        p.version_end = c.frame;
        s.version = version;
      }
    } else if (version == 1) {
      r = ssh1(c);
    } else if (version == 2) {
      r = ssh2(c);
    } else {
      encrypted(c.t.d.size() - c.off, c.info);
      c.off = c.t.d.size();
    }
    if (r != Step::Ok) return r;
    if (c.off <= last) break;
  }
  c.info.insert(0, server ? "Server: " : "Client: ");
  return Step::Ok;
}

}  // namespace

SshVerdict ssh_info(SshStream& s, ByteView data, bool from_server, std::uint64_t frame,
                    const std::string& prefix, std::string& protocol, std::string& info) {
  Peer& p = s.peer[from_server ? 1 : 0];
  std::size_t used = 0;  // bytes of `data` that complete a split PDU
  bool reassembled = p.split.active();
  if (reassembled && !p.split.complete(data, used)) return SshVerdict::TcpSegment;
  protocol = s.version == 0 ? "SSH" : s.version == 1 ? "SSHv1" : "SSHv2";
  info = prefix;  // col_clear() stops at the fence behind TCP's expert prefix
  std::string pdu;
  p.split.calls(data, reassembled, used, pdu, [&](ByteView tvb, bool first_pdu) {
    Call c{s, p, Tvb{tvb}, frame, info};
    const Step r = dissect(c, from_server);
    if (r == Step::Malformed) {
      info += "[Malformed Packet]";
      return false;
    }
    if (r == Step::NeedMore && c.deseg != 0) {
      p.split.stop(tvb, c.off, c.deseg, first_pdu, protocol, info);
      return false;
    }
    return true;
  });
  return SshVerdict::Summary;
}

}  // namespace tcplens::wireshark
