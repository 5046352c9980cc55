// The Protocol and Info columns tshark 4.0 shows for TLS (print --style wireshark), and the
// records the display filter reads.
#include "render/wireshark/tls_info.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tcplens::wireshark {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put24(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 16));
  put16(b, v & 0xffff);
}

Bytes record(std::uint8_t type, std::uint16_t version, const Bytes& body) {
  Bytes b{type};
  put16(b, version);
  put16(b, static_cast<std::uint32_t>(body.size()));
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes handshake(std::uint8_t type, const Bytes& body) {
  Bytes b{type};
  put24(b, static_cast<std::uint32_t>(body.size()));
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes client_hello(const std::string& sni) {
  Bytes b;
  put16(b, 0x0303);
  b.insert(b.end(), 32, 0x11);  // random
  b.push_back(0);                // session id
  put16(b, 4);
  put16(b, 0xc02f);
  put16(b, 0x1301);
  b.push_back(1);
  b.push_back(0);  // compression: null
  Bytes ext;
  put16(ext, 0);  // server_name
  put16(ext, static_cast<std::uint32_t>(sni.size() + 5));
  put16(ext, static_cast<std::uint32_t>(sni.size() + 3));
  ext.push_back(0);
  put16(ext, static_cast<std::uint32_t>(sni.size()));
  ext.insert(ext.end(), sni.begin(), sni.end());
  put16(b, static_cast<std::uint32_t>(ext.size()));
  b.insert(b.end(), ext.begin(), ext.end());
  return handshake(1, b);
}

// A ServerHello; with `tls13` its supported_versions extension says TLS 1.3.
Bytes server_hello(bool tls13, bool hrr = false) {
  static const std::uint8_t kHrr[32] = {
      0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
      0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
  Bytes b;
  put16(b, 0x0303);
  if (hrr) b.insert(b.end(), kHrr, kHrr + 32);
  else b.insert(b.end(), 32, 0x22);
  b.push_back(0);
  put16(b, tls13 ? 0x1301 : 0xc02f);
  b.push_back(0);
  Bytes ext;
  if (tls13) {
    put16(ext, 43);
    put16(ext, 2);
    put16(ext, 0x0304);
  }
  put16(b, static_cast<std::uint32_t>(ext.size()));
  b.insert(b.end(), ext.begin(), ext.end());
  return handshake(2, b);
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes b;
  for (const Bytes& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}

struct Columns {
  TlsVerdict verdict;
  std::string protocol, info;
};

struct Conversation {
  TlsStream s;
  TlsFields fields;
  std::uint64_t frame = 0;
  Columns send(const Bytes& data, bool from_server, const std::string& prefix = "") {
    Columns c;
    fields.clear();
    c.verdict = tls_info(s, ByteView(data.data(), data.size()), from_server, ++frame, prefix, c.protocol, c.info,
                         &fields);
    return c;
  }
};

TEST(TlsInfo, Tls12HandshakeNamesEachMessageAndTheVersionFollowsTheSession) {
  Conversation t;
  Columns c = t.send(record(22, 0x0301, client_hello("www.example.org")), false);
  EXPECT_EQ(c.protocol, "TLSv1");  // a ClientHello does not fix the version: its record's is shown
  EXPECT_EQ(c.info, "Client Hello");
  EXPECT_EQ(t.fields.server_name, "www.example.org");
  ASSERT_EQ(t.fields.hs_types, 1);
  EXPECT_EQ(t.fields.hs_type[0], 1);
  EXPECT_EQ(t.fields.suites, 2);

  c = t.send(cat({record(22, 0x0303, cat({server_hello(false), handshake(11, Bytes(40, 1)), handshake(14, {})}))}),
             true);
  EXPECT_EQ(c.protocol, "TLSv1.2");
  EXPECT_EQ(c.info, "Server Hello, Certificate, Server Hello Done");

  Bytes finished = record(22, 0x0303, Bytes(40, 0x9c));  // encrypted: a random first byte
  c = t.send(cat({record(22, 0x0303, handshake(16, Bytes(70, 3))), record(20, 0x0303, {1}), finished}), false);
  EXPECT_EQ(c.info, "Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message");
  EXPECT_TRUE(t.fields.change_cipher_spec);

  c = t.send(cat({record(23, 0x0303, Bytes(30, 5)), record(23, 0x0303, Bytes(30, 6))}), true);
  EXPECT_EQ(c.info, "Application Data, Application Data");
  ASSERT_EQ(t.fields.records, 2);
  EXPECT_EQ(t.fields.record[0].content_type, 23);
  EXPECT_FALSE(t.fields.record[0].opaque);

  c = t.send(record(21, 0x0303, Bytes(26, 7)), true);
  EXPECT_EQ(c.info, "Encrypted Alert");
  c = t.send(record(21, 0x0303, {2, 40}), true);
  EXPECT_EQ(c.info, "Alert (Level: Fatal, Description: Handshake Failure)");
}

TEST(TlsInfo, ARecordSplitOverSegmentsIsShownWhereItEnds) {
  Conversation t;
  const Bytes hello = record(22, 0x0301, client_hello("split.example"));
  const Bytes a(hello.begin(), hello.begin() + 20), b(hello.begin() + 20, hello.begin() + 40),
      rest(hello.begin() + 40, hello.end());
  Columns c = t.send(a, false);
  // TLS was called and asked for more: TCP names the segment.
  EXPECT_EQ(c.verdict, TlsVerdict::Summary);
  EXPECT_EQ(c.protocol, "TCP");
  EXPECT_EQ(c.info, "[TCP segment of a reassembled PDU]");
  EXPECT_TRUE(t.fields.present);
  // In the middle TCP holds the bytes without calling TLS.
  EXPECT_EQ(t.send(b, false).verdict, TlsVerdict::TcpSegment);
  EXPECT_FALSE(t.fields.present);
  c = t.send(cat({rest, Bytes{23, 3}}), false);  // the end, and the start of the next record
  EXPECT_EQ(c.protocol, "TLSv1");
  EXPECT_EQ(c.info, "Client Hello");
  EXPECT_EQ(t.fields.server_name, "split.example");
}

TEST(TlsInfo, Tls13ServerHelloAndHelloRetryRequestSetTheVersion) {
  Conversation t;
  t.send(record(22, 0x0301, client_hello("a.example")), false);
  Columns c = t.send(cat({record(22, 0x0303, server_hello(true, true)), record(20, 0x0303, {1})}), true);
  EXPECT_EQ(c.protocol, "TLSv1.3");
  EXPECT_EQ(c.info, "Hello Retry Request, Change Cipher Spec");
  c = t.send(record(23, 0x0303, Bytes(50, 8)), true);
  EXPECT_EQ(c.protocol, "TLSv1.3");
  EXPECT_EQ(c.info, "Application Data");
  ASSERT_EQ(t.fields.records, 1);
  EXPECT_TRUE(t.fields.record[0].opaque);  // tls.record.opaque_type, not content_type
  // After a lost segment the bytes are no record: TLS 1.3 calls them continuation data.
  c = t.send(Bytes(40, 0xa5), true, "[TCP Previous segment not captured] ");
  EXPECT_EQ(c.info, "[TCP Previous segment not captured] , Continuation Data");
}

TEST(TlsInfo, AHandshakeMessageRunningIntoTheNextRecordIsNamedWhenComplete) {
  Conversation t;
  t.send(record(22, 0x0301, client_hello("b.example")), false);
  const Bytes cert = handshake(11, Bytes(100, 4));
  const Bytes head(cert.begin(), cert.begin() + 30), tail(cert.begin() + 30, cert.end());
  Columns c = t.send(cat({record(22, 0x0303, cat({server_hello(false), head}))}), true);
  EXPECT_EQ(c.info, "Server Hello");  // a fragment that is not first in its record shows nothing
  c = t.send(record(22, 0x0303, cat({tail, handshake(14, {})})), true);
  EXPECT_EQ(c.info, "Certificate, Server Hello Done");
  c = t.send(record(22, 0x0303, Bytes{11, 0, 0, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), true);
  EXPECT_EQ(c.info, "[Certificate Fragment]");
}

TEST(TlsInfo, UnknownRecordsInAKnownSessionAreIgnored) {
  Conversation t;
  t.send(record(22, 0x0301, client_hello("c.example")), false);
  t.send(record(22, 0x0303, server_hello(false)), true);
  EXPECT_EQ(t.send(record(99, 0x0303, Bytes(10, 1)), true).info, "Ignored Unknown Record");
}

TEST(TlsInfo, TextOnATlsPortIsLeftToTcp) {
  Conversation t;
  const std::string get = "GET / HTTP/1.1\r\n\r\n";
  EXPECT_EQ(t.send(Bytes(get.begin(), get.end()), false).verdict, TlsVerdict::NotTls);
  EXPECT_FALSE(t.fields.present);
  // Binary bytes that are no record: TLS's "Continuation Data" (Protocol SSL: no version yet).
  const Columns c = t.send(Bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06}, false);
  EXPECT_EQ(c.protocol, "SSL");
  EXPECT_EQ(c.info, "Continuation Data");
}

TEST(TlsInfo, HeuristicTakesRecordsAndSslv2HellosOnly) {
  const Bytes hello = record(22, 0x0301, client_hello("d.example"));
  EXPECT_TRUE(looks_like_tls(ByteView(hello.data(), hello.size())));
  const Bytes app = record(23, 0x0303, Bytes(10, 1));
  EXPECT_TRUE(looks_like_tls(ByteView(app.data(), app.size())));
  const Bytes alert = record(21, 0x0303, {1, 0});  // not a first record tshark's heuristic takes
  EXPECT_FALSE(looks_like_tls(ByteView(alert.data(), alert.size())));
  const std::string get = "GET / HTTP/1.1\r\n";
  EXPECT_FALSE(looks_like_tls(ByteView(reinterpret_cast<const std::uint8_t*>(get.data()), get.size())));
  EXPECT_TRUE(tls_port(443));
  EXPECT_TRUE(tls_port(993));
  EXPECT_FALSE(tls_port(8443));  // only the heuristic finds TLS there
}

}  // namespace
}  // namespace tcplens::wireshark
