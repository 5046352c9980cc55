// The message catalogs of `tcplens explain`: one table per language, indexed by Msg.
// Translators: keep every {field} of the English text (in any order), change nothing else.
#include "tcplens/explain/messages.hpp"

#include <array>

namespace tcplens::explain {

namespace {

constexpr std::size_t kCount = static_cast<std::size_t>(Msg::kCount);

constexpr std::array<std::string_view, kCount> kCodes = {
    "ladder_title",
    "ladder_client",
    "ladder_server",
    "ladder_time",
    "ladder_omitted",
    "story_title",
    "handshake_complete",
    "handshake_simultaneous",
    "handshake_unanswered",
    "handshake_rejected",
    "handshake_no_final_ack",
    "handshake_not_seen",
    "syn_retried",
    "options",
    "option_mss",
    "option_window_scale",
    "option_no_window_scale",
    "option_sack",
    "option_timestamps",
    "options_none",
    "list_separator",
    "data_client_to_server",
    "data_server_to_client",
    "data_retransmissions",
    "data_none",
    "data_client_to_server_none",
    "data_server_to_client_none",
    "close_four_way",
    "close_three_way",
    "close_simultaneous",
    "close_half",
    "close_half_then_four",
    "close_reset",
    "close_reset_after_fin",
    "close_open",
    "time_wait_one",
    "time_wait_both",
    "time_wait_none_reset",
    "final_states",
    "side_client",
    "side_server",
};

constexpr std::array<std::string_view, kCount> kEnglish = {
    // ladder_title
    "Stream {stream}: {client} -> {server}",
    // ladder_client, ladder_server, ladder_time
    "client",
    "server",
    "time",
    // ladder_omitted
    "... {count} packets of data ...",
    // story_title
    "What happened:",
    // handshake_complete
    "Three-way handshake: the client sent a SYN with its initial sequence number x = {isn_c}; "
    "the server answered with a SYN-ACK carrying its own y = {isn_s} and acknowledging x+1 = "
    "{isn_c1}; the client's ACK of y+1 = {isn_s1} completed it after {irtt_ms} ms.",
    // handshake_simultaneous
    "Simultaneous open: both sides sent a SYN (ISNs {isn_c} and {isn_s}) before receiving the "
    "other's.",
    // handshake_unanswered
    "The client sent {syns} SYN(s) (ISN {isn_c}) to {server} and never got an answer: the host "
    "is unreachable or a firewall drops the SYN silently, so connect() times out.",
    // handshake_rejected
    "Connection refused: the client's SYN (ISN {isn_c}) was answered by a RST from {server}, "
    "which means nothing listens on port {port} there.",
    // handshake_no_final_ack
    "The server answered the SYN (ISN {isn_c}) with a SYN-ACK (ISN {isn_s}), but the client's "
    "final ACK was never seen.",
    // handshake_not_seen
    "No handshake was seen: the capture starts in the middle of this connection, so client and "
    "server are guessed from the ports.",
    // syn_retried
    "The SYN was sent {syns} times: each unanswered SYN is retransmitted after a timeout "
    "(the retransmission timeout: 1 s at first on Linux).",
    // options
    "Options negotiated: {options}.",
    // option_mss
    "MSS {mss_c} (client) / {mss_s} (server)",
    // option_window_scale
    "window scaling (client shift {ws_c}, server shift {ws_s})",
    // option_no_window_scale
    "no window scaling",
    // option_sack
    "SACK permitted",
    // option_timestamps
    "timestamps",
    // options_none
    "none",
    // list_separator
    ", ",
    // data_client_to_server
    "Client to server: {bytes} bytes of data in {segments} segment(s).",
    // data_server_to_client
    "Server to client: {bytes} bytes of data in {segments} segment(s).",
    // data_retransmissions
    "Retransmissions: {retrans_c} by the client, {retrans_s} by the server (segments that repeat "
    "bytes already sent).",
    // data_none
    "No data was seen in either direction.",
    // data_client_to_server_none, data_server_to_client_none
    "Client to server: no data.",
    "Server to client: no data.",
    // close_four_way
    "Four-way close: {closer} sent the first FIN, {peer} acknowledged it, later sent its own FIN, "
    "and {closer} acknowledged that.",
    // close_three_way
    "Three-packet close: {closer} sent the first FIN; {peer} acknowledged it and sent its own FIN "
    "in the same segment (the FIN rode on the ACK); {closer} acknowledged that.",
    // close_simultaneous
    "Simultaneous close: both sides sent a FIN before receiving the other's (the FINs crossed), "
    "so neither is the passive side: each acknowledges the other's FIN and ends in TIME_WAIT.",
    // close_half
    "Half-close: {closer} sent a FIN (it will send no more data) but {peer} did not send its own "
    "FIN within the capture; {peer} can still send data.",
    // close_half_then_four
    "{peer} kept sending data after {closer}'s FIN (a half-close) before closing its own side.",
    // close_reset
    "The connection was ended by a RST from {resetter}: both sides dropped it at once, without "
    "the FIN exchange.",
    // close_reset_after_fin
    "The connection was ended by a RST from {resetter} after {closer} had sent a FIN: a segment "
    "arrived for a socket that was already closed (for example a late FIN, or data nobody reads), "
    "and a RST is the answer.",
    // close_open
    "The connection was still open when the capture ended.",
    // time_wait_one
    "{waiter} closed first, so it waits in TIME_WAIT for 2MSL (60 s on Linux): long enough to "
    "re-send its last ACK if the peer's FIN comes again, and for late segments of this connection "
    "to expire before the same ports can be reused.",
    // time_wait_both
    "Both sides wait in TIME_WAIT for 2MSL, since each sent its FIN before receiving the other's.",
    // time_wait_none_reset
    "Nobody waits in TIME_WAIT: a RST closes both sides immediately.",
    // final_states
    "Final states: client {state_c}, server {state_s}.",
    // side_client, side_server
    "the client",
    "the server",
};

constexpr std::array<std::string_view, kCount> kChinese = {
    "流 {stream}：{client} -> {server}",
    "客户端",
    "服务器",
    "时间",
    "…… 省略 {count} 个数据包 ……",
    "经过：",
    "三次握手：客户端发送 SYN，初始序列号 x = {isn_c}；服务器回复 SYN-ACK，带上自己的 y = {isn_s}，"
    "并确认 x+1 = {isn_c1}；客户端确认 y+1 = {isn_s1}，握手在 {irtt_ms} 毫秒后完成。",
    "同时打开：双方在收到对方的 SYN 之前都发送了 SYN（初始序列号 {isn_c} 和 {isn_s}）。",
    "客户端向 {server} 发送了 {syns} 个 SYN（初始序列号 {isn_c}），始终没有回应：主机不可达，"
    "或防火墙静默丢弃了 SYN，connect() 最终超时。",
    "连接被拒绝：客户端的 SYN（初始序列号 {isn_c}）被 {server} 用 RST 回应，说明该主机的 {port} "
    "端口上没有程序在监听。",
    "服务器用 SYN-ACK（初始序列号 {isn_s}）回应了 SYN（初始序列号 {isn_c}），但没有看到客户端最后的 ACK。",
    "没有看到握手：抓包开始时连接已经建立，客户端和服务器是根据端口推断的。",
    "SYN 共发送了 {syns} 次：没有回应的 SYN 会在超时后重传（重传超时，Linux 上最初为 1 秒）。",
    "协商的选项：{options}。",
    "MSS {mss_c}（客户端）/ {mss_s}（服务器）",
    "窗口缩放（客户端移位 {ws_c}，服务器移位 {ws_s}）",
    "不使用窗口缩放",
    "允许 SACK",
    "时间戳",
    "无",
    "、",
    "客户端到服务器：{segments} 个报文段，共 {bytes} 字节数据。",
    "服务器到客户端：{segments} 个报文段，共 {bytes} 字节数据。",
    "重传：客户端 {retrans_c} 次，服务器 {retrans_s} 次（重复发送已发送过的字节的报文段）。",
    "两个方向都没有看到数据。",
    "客户端到服务器：没有数据。",
    "服务器到客户端：没有数据。",
    "四次挥手：{closer}先发送 FIN，{peer}确认后，稍后发送自己的 FIN，{closer}再确认。",
    "三个包的关闭：{closer}先发送 FIN；{peer}在同一个报文段中确认它并发送自己的 FIN（FIN 搭载在 ACK 上）；"
    "{closer}再确认。",
    "同时关闭：双方在收到对方的 FIN 之前都发送了 FIN（两个 FIN 交错而过），因此没有被动关闭的一方：双方各自确认对方的 FIN，"
    "最后都进入 TIME_WAIT。",
    "半关闭：{closer}发送了 FIN（不再发送数据），但在抓包结束前{peer}没有发送自己的 FIN；{peer}仍可继续发送数据。",
    "{closer}发送 FIN 之后，{peer}继续发送数据（半关闭），然后才关闭自己这一端。",
    "连接被{resetter}的 RST 终止：双方立即丢弃连接，没有 FIN 交换。",
    "在{closer}发送 FIN 之后，连接被{resetter}的 RST 终止：有报文段到达了一个已经关闭的套接字"
    "（例如迟到的 FIN，或没有被读取的数据），于是用 RST 回应。",
    "抓包结束时连接仍然打开。",
    "{waiter}先关闭，因此在 TIME_WAIT 状态等待 2MSL（Linux 上为 60 秒）：如果对方的 FIN 重传，"
    "它可以重发最后的 ACK，同时让本连接迟到的报文段过期，之后才能重用相同的端口。",
    "双方都在 TIME_WAIT 状态等待 2MSL，因为各自都在收到对方的 FIN 之前发送了自己的 FIN。",
    "没有一方处于 TIME_WAIT：RST 会让双方立即关闭。",
    "最终状态：客户端 {state_c}，服务器 {state_s}。",
    "客户端",
    "服务器",
};

}  // namespace

std::string_view to_string(Lang lang) { return lang == Lang::Zh ? "zh" : "en"; }

Lang lang_from_env(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    const std::string_view s(v);
    return s.substr(0, 2) == "zh" ? Lang::Zh : Lang::En;
  }
  return Lang::En;
}

std::string_view code(Msg msg) { return kCodes[static_cast<std::size_t>(msg)]; }

std::string_view pattern(Lang lang, Msg msg) {
  const auto k = static_cast<std::size_t>(msg);
  return lang == Lang::Zh ? kChinese[k] : kEnglish[k];
}

std::string format_message(std::string_view pattern, std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(pattern.size() + 32);
  std::size_t at = 0;
  while (at < pattern.size()) {
    const std::size_t open = pattern.find('{', at);
    if (open == std::string_view::npos) break;
    const std::size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(pattern.substr(at, open - at));
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    const Field* found = nullptr;
    for (const Field& f : fields)
      if (f.first == name) found = &f;
    if (found != nullptr)
      out += found->second;
    else
      out.append(pattern.substr(open, close - open + 1));
    at = close + 1;
  }
  out.append(pattern.substr(at));
  return out;
}

}  // namespace tcplens::explain
