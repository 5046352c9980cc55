// The Info column tshark 4.0 shows for SMTP on ports 25 and 587 (packet-smtp.c):
// "C: EHLO host", "S: 250-first line | SIZE 1000 | HELP", "C: DATA fragment, 1460 bytes",
// "C: .", "C: User: ..." during AUTH LOGIN (base64 decoding is off by default).
#pragma once

#include <cstdint>
#include <string>

#include "render/wireshark/split_pdu.hpp"
#include "tcplens/bytes.hpp"

namespace tcplens::wireshark {

struct SmtpStream {
  enum class State : std::uint8_t { Start, Commands, Data, AwaitingStartTls, Tls };
  enum class Auth : std::uint8_t {
    None, Start, UsernameReq, UsernameRsp, PasswordReq, PasswordRsp, PlainStartReq, PlainReq,
    PlainRsp, PlainCredReq, NtlmReq, NtlmChallenge, NtlmRsp, Success, Failed
  };
  State state = State::Start;
  Auth auth = Auth::None;
  bool crlf_seen = false;
  bool data_seen = false;
  bool msg_last = true;
  std::uint64_t msg_tot_len = 0, msg_read_len = 0;  // BDAT
  std::uint64_t first_auth_frame = 0, last_auth_frame = 0;
  std::uint64_t username_cmd_frame = 0, username_frame = 0, password_frame = 0;
  std::uint64_t user_pass_cmd_frame = 0, user_pass_frame = 0;
  SplitPdu split;  // a client line split over segments
};

enum class SmtpVerdict {
  Summary,     // `info` holds the column (Protocol "SMTP")
  TcpSegment,  // a command line still incomplete: TCP's line plus the reassembly note
  NotSmtp,     // after STARTTLS: TLS owns the connection
};

// One TCP segment's payload (all of it captured). `prefix`: TCP's expert prefix, kept in
// front of the text.
SmtpVerdict smtp_info(SmtpStream& s, ByteView data, bool request, std::uint64_t frame,
                      const std::string& prefix, std::string& info);

}  // namespace tcplens::wireshark
