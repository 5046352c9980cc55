// SMTP summaries as Wireshark 4.0's packet-smtp.c writes them (our own code, read for facts):
// a first walk over a client segment's lines decides what the frame is (command, message
// data, end of message) and moves the session and AUTH states; the column then shows the
// command lines joined by " | ", or the data size; server lines show their reply code and
// text, continuation lines of a multi-line reply without the code.
#include "render/wireshark/smtp_info.hpp"

#include <string_view>

#include "render/wireshark/wireshark_private.hpp"

namespace tcplens::wireshark {

namespace {

using State = SmtpStream::State;
using Auth = SmtpStream::Auth;

enum class Pdu { Command, Message, EndOfMessage };

std::string_view view(ByteView t, std::size_t off, std::size_t len) {
  if (off > t.size()) return {};
  return {reinterpret_cast<const char*>(t.data()) + off, std::min(len, t.size() - off)};
}

bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool iprefix(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != p[i]) return false;
  }
  return true;
}

// line_is_smtp_command(): four letters, or one of the longer extension commands.
bool is_command(std::string_view cmd) {
  if (cmd.size() == 4 && alpha(cmd[0]) && alpha(cmd[1]) && alpha(cmd[2]) && alpha(cmd[3])) return true;
  for (std::string_view c : {"STARTTLS", "X-EXPS", "X-LINK2STATE", "XEXCH50"})
    if (cmd.size() == c.size() && iprefix(cmd, c)) return true;
  return false;
}

// The first walk over a client segment (dissect_smtp before the columns). Returns false
// when the first line has no end yet (TCP is asked for one more segment).
bool classify(SmtpStream& s, ByteView t, std::uint64_t frame, Pdu& pdu) {
  pdu = Pdu::Command;
  bool eom = false;
  std::size_t off = 0;
  while (off < t.size()) {
    std::size_t next = 0;
    long len = find_line_end(t, off, true, next);
    if (len < 0) {
      if (off == 0) return false;
      len = static_cast<long>(t.size() - off);
      next = t.size();
    }
    const std::string_view rest = view(t, off, t.size() - off);
    if (s.state == State::Data) {
      if ((s.crlf_seen && rest.substr(0, 3) == ".\r\n") || rest.substr(0, 5) == "\r\n.\r\n") eom = true;
      s.crlf_seen = rest.size() >= 2 && rest.substr(rest.size() - 2) == "\r\n";
      if (eom) {
        pdu = Pdu::EndOfMessage;
        s.state = State::Commands;
        break;
      }
      pdu = Pdu::Message;
      if (s.msg_tot_len > 0) {
        s.msg_read_len += t.size() - off;
        next = t.size();
        if (s.msg_read_len == s.msg_tot_len) {
          s.state = State::Commands;
          break;
        }
      }
    } else {
      const std::string_view line = view(t, off, static_cast<std::size_t>(len));
      const std::string_view cmd = line.substr(0, line.find(' '));
      if (is_command(cmd)) {
        pdu = Pdu::Command;
        if (iprefix(line, "DATA")) {
          s.state = State::Data;
          s.data_seen = true;
        } else if (iprefix(line, "BDAT")) {
          const std::uint64_t n = line.size() > 5 ? std::strtoul(std::string(line.substr(5)).c_str(), nullptr, 10) : 0;
          s.data_seen = true;
          s.msg_tot_len += n;
          s.state = n == 0 ? State::Commands : State::Data;
          s.msg_last = line.size() >= 4 && iprefix(line.substr(line.size() - 4), "LAST");
        } else if (iprefix(line, "AUTH LOGIN")) {
          s.state = State::Commands;
          s.first_auth_frame = frame;
          if (line.size() <= 11) {
            s.auth = Auth::Start;
          } else {
            s.auth = Auth::UsernameRsp;
            s.username_cmd_frame = frame;
          }
        } else if (iprefix(line, "AUTH PLAIN")) {
          s.state = State::Commands;
          s.first_auth_frame = frame;
          if (line.size() <= 11) {
            s.auth = Auth::PlainStartReq;
          } else {
            s.auth = Auth::PlainCredReq;
            s.user_pass_cmd_frame = frame;
          }
        } else if (iprefix(line, "AUTH NTLM") && line.size() > 10) {
          s.state = State::Commands;
          s.auth = Auth::NtlmReq;
        } else if (iprefix(line, "STARTTLS")) {
          s.state = State::AwaitingStartTls;
        }
      } else if (s.auth == Auth::UsernameReq) {
        s.auth = Auth::UsernameRsp;
        s.username_frame = frame;
      } else if (s.auth == Auth::PasswordReq) {
        s.auth = Auth::PasswordRsp;
        s.password_frame = frame;
      } else if (s.auth == Auth::PlainReq) {
        s.auth = Auth::PlainRsp;
        s.user_pass_frame = frame;
      } else if (s.auth == Auth::NtlmChallenge) {
        s.auth = Auth::NtlmRsp;
      } else {
        pdu = (s.data_seen || s.state == State::Start) ? Pdu::Message : Pdu::Command;
      }
    }
    off = next;
  }
  return true;
}

void client_columns(const SmtpStream& s, ByteView t, std::uint64_t frame, Pdu pdu, std::string& info) {
  if (pdu == Pdu::Message) {
    info += "C: DATA fragment, ";
    info += std::to_string(t.size());
    info += t.size() == 1 ? " byte" : " bytes";
    return;
  }
  if (pdu == Pdu::EndOfMessage) {
    info += "C: .";
    return;
  }
  std::size_t off = 0;
  while (off < t.size()) {
    std::size_t next = 0;
    const std::size_t len = static_cast<std::size_t>(find_line_end(t, off, false, next));
    info += off == 0 ? "C: " : " | ";
    const std::string_view line = view(t, off, len);
    if (s.username_frame == frame) {
      info += "User: " + format_text(line);
    } else if (s.password_frame == frame) {
      info += "Pass: " + format_text(line);
    } else if (s.user_pass_frame == frame) {
      info += format_text(line);  // decode_plain_auth() without base64 decoding
    } else if (len > 5 && s.username_cmd_frame == frame) {
      info += format_text(line.substr(0, 11));
      if (len >= 11) info += "User: " + format_text(line.substr(11));
    } else if (len > 5 && s.user_pass_cmd_frame == frame) {
      info += format_text(line.substr(0, 11));
      info += format_text(line.substr(std::min<std::size_t>(11, line.size())));
    } else {
      info += format_text(line);
    }
    off = next;
  }
}

void server_columns(SmtpStream& s, ByteView t, std::uint64_t frame, std::string& info) {
  enum class Multi { None, Start, Continue, End } multi = Multi::None;
  std::size_t off = 0;
  while (off < t.size()) {
    std::size_t next = 0;
    const std::size_t len = static_cast<std::size_t>(find_line_end(t, off, false, next));
    info += off == 0 ? "S: " : " | ";
    const std::string_view line = view(t, off, len);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (len >= 3 && digit(line[0]) && digit(line[1]) && digit(line[2])) {
      const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
      if (len > 3 && line[3] == '-') multi = multi == Multi::None ? Multi::Start : Multi::Continue;
      else if (multi == Multi::Start || multi == Multi::Continue) multi = Multi::End;
      if (s.state == State::AwaitingStartTls) s.state = code == 220 ? State::Tls : State::Commands;
      if (code == 334) {
        switch (s.auth) {
          case Auth::Start: s.auth = Auth::UsernameReq; break;
          case Auth::UsernameRsp: s.auth = Auth::PasswordReq; break;
          case Auth::PlainReq: s.auth = Auth::PlainRsp; break;
          case Auth::PlainStartReq: s.auth = Auth::PlainReq; break;
          case Auth::NtlmReq: s.auth = Auth::NtlmChallenge; break;
          default: break;
        }
      } else if (s.auth == Auth::PasswordRsp || s.auth == Auth::PlainRsp || s.auth == Auth::NtlmRsp ||
                 s.auth == Auth::PlainCredReq) {
        s.auth = code == 235 ? Auth::Success : Auth::Failed;
        s.last_auth_frame = frame;
      }
      if (len >= 4) {
        const bool continued = multi == Multi::Continue || multi == Multi::End;
        info += format_text(continued ? line.substr(4) : line);
      } else {
        info += format_text(line);
      }
      if (multi == Multi::End) multi = Multi::None;
    }
    off = next;
  }
}

}  // namespace

SmtpVerdict smtp_info(SmtpStream& s, ByteView data, bool request, std::uint64_t frame,
                      const std::string& prefix, std::string& info) {
  if (s.state == State::Tls) return SmtpVerdict::NotSmtp;
  std::string pdu;
  ByteView t = data;
  if (request) {
    // Only client lines are desegmented (packet-smtp.c asks for one more segment).
    std::size_t used = 0;
    if (s.split.active()) {
      s.split.complete(data, used);
      s.split.take(data, used, pdu);
      t = ByteView(reinterpret_cast<const std::uint8_t*>(pdu.data()), pdu.size());
    }
    Pdu kind = Pdu::Command;
    if (!classify(s, t, frame, kind)) {
      s.split.hold(t, SplitPdu::kOneMoreSegment);
      return SmtpVerdict::TcpSegment;
    }
    info = prefix;
    client_columns(s, t, frame, kind, info);
    return SmtpVerdict::Summary;
  }
  info = prefix;
  server_columns(s, t, frame, info);
  return SmtpVerdict::Summary;
}

}  // namespace tcplens::wireshark
