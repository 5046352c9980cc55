// The Protocol and Info columns tshark 4.0 shows for SSH (print --style wireshark).
#include "render/wireshark/ssh_info.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tcplens::wireshark {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

void put32(Bytes& b, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_string(Bytes& b, std::string_view s) {
  put32(b, static_cast<std::uint32_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}

// A binary packet: length, padding length, code, body, 4 bytes of padding.
Bytes packet(std::uint8_t code, const Bytes& body) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(1 + 1 + body.size() + 4));
  b.push_back(4);
  b.push_back(code);
  b.insert(b.end(), body.begin(), body.end());
  b.insert(b.end(), 4, 0);
  return b;
}

Bytes kexinit(std::string_view kex, std::string_view enc) {
  Bytes body(16, 0xAA);  // cookie
  const std::string_view lists[10] = {kex, "ssh-ed25519", enc, enc, "hmac-sha2-256", "hmac-sha2-256",
                                      "none", "none", "", ""};
  for (auto l : lists) put_string(body, l);
  body.push_back(0);
  put32(body, 0);
  return packet(20, body);
}

Bytes ecdh_reply() {
  Bytes key;
  put_string(key, "ssh-ed25519");
  put_string(key, std::string(32, 'k'));
  Bytes sig;
  put_string(sig, "ssh-ed25519");
  put_string(sig, std::string(64, 's'));
  Bytes body;
  put_string(body, std::string(key.begin(), key.end()));
  put_string(body, std::string(32, 'q'));
  put_string(body, std::string(sig.begin(), sig.end()));
  return packet(31, body);
}

struct Side {
  SshStream s;
  std::string protocol, info;
  std::uint64_t frame = 0;
  SshVerdict send(bool server, const Bytes& b, const std::string& prefix = "") {
    return ssh_info(s, ByteView(b), server, ++frame, prefix, protocol, info);
  }
};

TEST(SshInfo, VersionExchangeSetsTheProtocolFromTheNextFrame) {
  Side t;
  t.send(false, text("SSH-2.0-OpenSSH_7.9\r\n"));
  EXPECT_EQ(t.protocol, "SSH");
  EXPECT_EQ(t.info, "Client: Protocol (SSH-2.0-OpenSSH_7.9)");
  t.send(true, text("SSH-2.0-OpenSSH_7.6p1 Ubuntu\r\n"));
  EXPECT_EQ(t.protocol, "SSHv2");
  EXPECT_EQ(t.info, "Server: Protocol (SSH-2.0-OpenSSH_7.6p1 Ubuntu)");
}

TEST(SshInfo, KeyExchangeNamesThenNothingOnceADecryptableCipherIsOn) {
  Side t;
  t.send(false, text("SSH-2.0-a\r\n"));
  t.send(true, text("SSH-2.0-b\r\n"));
  t.send(false, kexinit("curve25519-sha256,diffie-hellman-group14-sha1", "chacha20-poly1305@openssh.com"));
  EXPECT_EQ(t.info, "Client: Key Exchange Init");
  t.send(true, kexinit("curve25519-sha256", "chacha20-poly1305@openssh.com"));
  t.send(false, packet(30, Bytes(36, 1)));
  EXPECT_EQ(t.info, "Client: Elliptic Curve Diffie-Hellman Key Exchange Init");
  Bytes both = ecdh_reply();
  Bytes nk = packet(21, {});
  both.insert(both.end(), nk.begin(), nk.end());
  t.send(true, both);
  EXPECT_EQ(t.info, "Server: Elliptic Curve Diffie-Hellman Key Exchange Reply, New Keys");
  // A fast retransmission of it: TCP's prefix stays and the keys are already switched.
  t.send(true, both, "[TCP Fast Retransmission] ");
  EXPECT_EQ(t.info, "Server: [TCP Fast Retransmission] ");
  t.send(false, nk);
  t.send(false, Bytes(44, 0x5C));
  EXPECT_EQ(t.info, "Client: ");
}

TEST(SshInfo, GroupExchangeKeepsEncryptedPacketLengths) {
  Side t;
  t.send(false, text("SSH-2.0-a\r\n"));
  t.send(false, kexinit("diffie-hellman-group-exchange-sha256", "aes128-ctr"));
  t.send(true, kexinit("diffie-hellman-group-exchange-sha256", "aes128-ctr"));
  t.send(false, packet(34, Bytes(12, 0)));
  EXPECT_EQ(t.info, "Client: Diffie-Hellman Group Exchange Request");
  t.send(false, packet(21, {}));
  t.send(false, Bytes(48, 0x11));
  EXPECT_EQ(t.info, "Client: Encrypted packet (len=48)");
}

TEST(SshInfo, SplitPacketWaitsForTheRest) {
  Side t;
  t.send(false, text("SSH-2.0-a\r\n"));
  const Bytes k = kexinit("curve25519-sha256", "aes128-ctr");
  const Bytes head(k.begin(), k.begin() + 40), mid(k.begin() + 40, k.begin() + 60), tail(k.begin() + 60, k.end());
  t.send(false, head, "");
  EXPECT_EQ(t.protocol, "TCP");
  EXPECT_EQ(t.info, "[TCP segment of a reassembled PDU]");
  EXPECT_EQ(t.send(false, mid), SshVerdict::TcpSegment);
  EXPECT_EQ(t.send(false, tail), SshVerdict::Summary);
  EXPECT_EQ(t.info, "Client: Key Exchange Init");
}

TEST(SshInfo, Ssh1ShowsCodesInTheFirstFrameOnly) {
  Side t;
  t.send(false, text("SSH-1.5-1.2.26\n"));
  Bytes pk = {0, 0, 0, 5, 0, 0, 0, 2, 1, 2, 3, 4};  // plen 5, padding 3, code 2
  t.send(true, pk);
  EXPECT_EQ(t.protocol, "SSHv1");
  EXPECT_EQ(t.info, "Server: Public Key");
  t.send(true, pk);
  EXPECT_EQ(t.info, "Server: Encrypted packet (len=5)");
}

TEST(SshInfo, TruncatedAndGarbagePayloadsStaySafe) {
  Side t;
  t.send(false, text("SSH-2.0-a\r\n"));
  Bytes k = kexinit("curve25519-sha256", "aes128-ctr");
  k[9 + 16] = 0x7f;  // first name-list length far past the end
  t.send(false, k);
  EXPECT_EQ(t.info, "Key Exchange Init[Malformed Packet]");
  for (std::size_t n = 0; n < 64; ++n) {
    Side g;
    Bytes junk(n, 0xFF);
    g.send(false, junk);
    g.send(false, text("SSH-"));
    g.send(true, junk);
  }
  Side big;
  big.send(false, text("SSH-2.0-a\r\n"));
  Bytes huge = {0x00, 0x10, 0x00, 0x00, 4, 20};  // a 1 MiB packet: kept only up to the cap
  big.send(false, huge);
  for (int i = 0; i < 300; ++i) big.send(false, Bytes(4096, 0));
  SUCCEED();
}

}  // namespace
}  // namespace tcplens::wireshark
