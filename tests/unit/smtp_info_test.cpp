// The Info column tshark 4.0 shows for SMTP (print --style wireshark).
#include "render/wireshark/smtp_info.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tcplens::wireshark {
namespace {

struct Session {
  SmtpStream s;
  std::string info;
  std::uint64_t frame = 0;
  SmtpVerdict send(bool request, std::string_view text, const std::string& prefix = "") {
    return smtp_info(s, ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), request,
                     ++frame, prefix, info);
  }
};

TEST(SmtpInfo, CommandsRepliesAndMultiLineReplies) {
  Session t;
  t.send(false, "220 mx.example.com ESMTP\r\n");
  EXPECT_EQ(t.info, "S: 220 mx.example.com ESMTP");
  t.send(true, "EHLO GP\r\n");
  EXPECT_EQ(t.info, "C: EHLO GP");
  t.send(false, "250-mx.example.com Hello\r\n250-SIZE 52428800\r\n250 HELP\r\n");
  EXPECT_EQ(t.info, "S: 250-mx.example.com Hello | SIZE 52428800 | HELP");
  t.send(true, "MAIL FROM: <a@b>\r\nRCPT TO: <c@d>\r\n");
  EXPECT_EQ(t.info, "C: MAIL FROM: <a@b> | RCPT TO: <c@d>");
}

TEST(SmtpInfo, AuthLoginAndData) {
  Session t;
  t.send(true, "AUTH LOGIN\r\n");
  EXPECT_EQ(t.info, "C: AUTH LOGIN");
  t.send(false, "334 VXNlcm5hbWU6\r\n");
  t.send(true, "dXNlcg==\r\n");
  EXPECT_EQ(t.info, "C: User: dXNlcg==");
  t.send(false, "334 UGFzc3dvcmQ6\r\n");
  t.send(true, "cGFzcw==\r\n");
  EXPECT_EQ(t.info, "C: Pass: cGFzcw==");
  t.send(false, "235 Authentication succeeded\r\n");
  t.send(true, "DATA\r\n");
  t.send(false, "354 go ahead\r\n");
  t.send(true, "Subject: hi\r\n\r\nbody line\r\n", "[TCP Window Full] ");
  EXPECT_EQ(t.info, "[TCP Window Full] C: DATA fragment, 26 bytes");
  t.send(true, ".\r\n");
  EXPECT_EQ(t.info, "C: .");
  t.send(true, "QUIT\r\n");
  EXPECT_EQ(t.info, "C: QUIT");
}

TEST(SmtpInfo, SplitCommandLineWaitsForItsEnd) {
  Session t;
  EXPECT_EQ(t.send(true, "e"), SmtpVerdict::TcpSegment);
  EXPECT_EQ(t.send(true, "hlo"), SmtpVerdict::TcpSegment);
  EXPECT_EQ(t.send(true, "\r\n"), SmtpVerdict::Summary);
  EXPECT_EQ(t.info, "C: ehlo");
}

TEST(SmtpInfo, StartTlsHandsOverAndGarbageIsSafe) {
  Session t;
  t.send(true, "STARTTLS\r\n");
  t.send(false, "220 ready\r\n");
  EXPECT_EQ(t.send(true, "\x16\x03\x01"), SmtpVerdict::NotSmtp);
  Session g;
  g.send(false, "\r");
  g.send(false, "12\n-\n999-\n\xff\xfe");
  g.send(true, "AUTH LOGIN ");
  g.send(true, "x\r\n");
  g.send(true, "BDAT 99999999999999999999999 LAST\r\n");
  for (int i = 0; i < 50; ++i) g.send(true, std::string(4000, 'z'));
  SUCCEED();
}

}  // namespace
}  // namespace tcplens::wireshark
