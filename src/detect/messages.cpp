#include "tcplens/detect/messages.hpp"

#include <cmath>
#include <cstdio>

namespace tcplens::detect {

namespace {

struct Message {
  std::string_view id;
  std::string_view en;
  std::string_view zh;
};

// Every sentence of detect's output. Keep the ids stable: they become msgids.
constexpr Message kMessages[] = {
    // --- SYN flood ---
    {"syn_flood.what",
     "SYN flood on {target}: many connection attempts (SYNs) that never complete fill the "
     "server's queue of half-open connections (SYN_RECEIVED), so that real clients cannot connect.",
     "{target} 遭受 SYN 洪泛（SYN Flood）：大量从不完成握手的连接请求（SYN）占满了服务器的半开连接队列"
     "（SYN_RECEIVED 状态），使正常客户端无法建立连接。"},
    {"syn_flood.how",
     "{attempts} new SYNs in {duration_sec} s, of which {completed} completed and {refused} were "
     "refused; at the peak {peak_unresolved} attempts stayed half-open within {window_sec} s "
     "({peak_rate_per_sec} a second; the threshold is {threshold_per_sec}). The server answered "
     "{synacks} with a SYN-ACK and retransmitted {synack_retransmissions} SYN-ACKs that were never answered.",
     "{duration_sec} 秒内共有 {attempts} 个新的 SYN，其中 {completed} 个完成了握手，{refused} 个被拒绝；"
     "高峰时 {window_sec} 秒内有 {peak_unresolved} 个连接停留在半开状态（每秒 {peak_rate_per_sec} 个，"
     "阈值为每秒 {threshold_per_sec} 个）。服务器对其中 {synacks} 个回复了 SYN-ACK，"
     "并重传了 {synack_retransmissions} 个始终无人应答的 SYN-ACK。"},
    {"flood.spoofed",
     "The sources look forged: {distinct_sources} distinct addresses, {packets_per_source} packets each on average.",
     "源地址看起来是伪造的：共有 {distinct_sources} 个不同的地址，平均每个地址只发送 {packets_per_source} 个报文。"},
    {"flood.bogus",
     "{bogus_sources} packets came from addresses that cannot be a source (multicast, reserved, 0/8, 127/8).",
     "其中 {bogus_sources} 个报文来自根本不可能作为源地址的地址（组播、保留地址、0/8、127/8）。"},
    {"flood.ttls",
     "Their TTLs range from {ttl_min} to {ttl_max} ({distinct_ttls} values): they do not come from one path.",
     "它们的 TTL 在 {ttl_min} 到 {ttl_max} 之间（共 {distinct_ttls} 种取值）：并非来自同一条路径。"},
    {"flood.single",
     "It comes from {source} ({top_source_share} of the packets).",
     "攻击来自 {source}（占全部报文的 {top_source_share}）。"},
    {"syn_flood.options",
     "{options_none} of the SYNs carry no TCP option at all, which no operating system sends "
     "(a kernel always offers an MSS): they were crafted by a tool.",
     "其中 {options_none} 个 SYN 不带任何 TCP 选项，而任何操作系统都不会这样发送（内核总会携带 MSS）："
     "它们是由工具伪造的。"},
    {"syn_flood.cookies.likely",
     "The server seems to use SYN cookies: it answered {answered_share} of the SYNs and hardly ever "
     "retransmitted its SYN-ACKs, so it kept no state for them (and {synack_tsval_low_bits_same_share} "
     "of its SYN-ACKs with timestamps carry the same low 6 bits of TSval, where Linux's cookies "
     "keep the SYN's options).",
     "服务器似乎启用了 SYN Cookie：它应答了 {answered_share} 的 SYN，且几乎从不重传 SYN-ACK，说明它没有为这些连接"
     "保存状态（此外，带时间戳的 SYN-ACK 中有 {synack_tsval_low_bits_same_share} 的 TSval 低 6 位相同，"
     "Linux 的 SYN Cookie 正是把 SYN 的选项保存在这里）。"},
    {"syn_flood.cookies.no",
     "The server does not use SYN cookies: it kept half-open entries (it retransmitted SYN-ACKs) "
     "and dropped the SYNs that found its queue full.",
     "服务器没有启用 SYN Cookie：它为半开连接保存了状态（重传了 SYN-ACK），并丢弃了在队列已满时到达的 SYN。"},
    {"syn_flood.cookies.unknown",
     "Most SYNs got no SYN-ACK: the server dropped them, could not route its answers back, or "
     "its answers were not captured here.",
     "大多数 SYN 没有得到 SYN-ACK 应答：服务器丢弃了它们，或者无法把应答路由回去，或者应答没有在此处被抓到。"},
    {"syn_flood.victims",
     "Real clients were hurt: handshakes that completed only after their SYNs were "
     "retransmitted: {delayed_clients} ({delayed_client_addresses}).",
     "正常客户端受到了影响：有 {delayed_clients} 次握手在 SYN 重传之后才完成（{delayed_client_addresses}）。"},
    {"syn_flood.todo",
     "Enable SYN cookies (Linux: sysctl net.ipv4.tcp_syncookies=1); enlarge the backlog "
     "(net.ipv4.tcp_max_syn_backlog, net.core.somaxconn and the listen() backlog) and lower "
     "tcp_synack_retries; rate-limit new SYNs per source and per destination before the server "
     "(nftables/iptables limit, a SYN proxy); ask the upstream provider to filter forged sources "
     "(BCP 38) or to scrub the traffic.",
     "启用 SYN Cookie（Linux：sysctl net.ipv4.tcp_syncookies=1）；增大半开连接队列"
     "（net.ipv4.tcp_max_syn_backlog、net.core.somaxconn 以及 listen() 的 backlog），并减小 "
     "tcp_synack_retries；在服务器之前按源地址和目的地址对新的 SYN 限速（nftables/iptables 的 limit、SYN 代理）；"
     "请上游运营商过滤伪造的源地址（BCP 38）或清洗流量。"},

    // --- ACK flood ---
    {"ack_flood.what",
     "ACK flood on {target}: packets with the ACK flag that belong to no connection. The server "
     "must look each one up and answers it with a RST, which costs it processor time and "
     "bandwidth, and stateful firewalls fill up.",
     "{target} 遭受 ACK 洪泛：大量带有 ACK 标志、却不属于任何连接的报文。服务器必须逐个查找对应的连接并回复 RST，"
     "这会消耗它的 CPU 和带宽，有状态防火墙的连接表也会被占满。"},
    {"ack_flood.how",
     "{orphan_packets} packets of no connection in {duration_sec} s (no handshake seen on their "
     "4-tuples, and none answered other than by RST); at the peak {peak_unresolved} within "
     "{window_sec} s ({peak_rate_per_sec} a second; the threshold is {threshold_per_sec}). "
     "{proved_connections} proved to belong to connections older than the capture; the target "
     "answered {rst_replies} with a RST.",
     "{duration_sec} 秒内共有 {orphan_packets} 个不属于任何连接的报文（在它们的四元组上没有看到握手，"
     "除 RST 外也没有得到任何应答）；高峰时 {window_sec} 秒内有 {peak_unresolved} 个（每秒 {peak_rate_per_sec} 个，"
     "阈值为每秒 {threshold_per_sec} 个）。其中 {proved_connections} 个后来被证明属于抓包开始之前就已存在的连接；"
     "目标回复了 {rst_replies} 个 RST。"},
    {"ack_flood.todo",
     "Drop TCP packets that match no connection before they reach the server (conntrack's "
     "'ct state invalid drop', a stateful firewall or a scrubbing service), limit the RSTs the "
     "host sends (net.ipv4.tcp_invalid_ratelimit), and rate-limit per source.",
     "在报文到达服务器之前丢弃不属于任何连接的 TCP 报文（conntrack 的“ct state invalid drop”、"
     "有状态防火墙或流量清洗服务），限制主机发送 RST 的速率（net.ipv4.tcp_invalid_ratelimit），并按源地址限速。"},

    // --- RST flood ---
    {"rst_flood.what",
     "RST flood on {target}: resets that belong to no connection. Each one costs the target a "
     "lookup, and one whose sequence number falls in a live connection's window would tear it "
     "down (RFC 5961 makes that harder).",
     "{target} 遭受 RST 洪泛：大量不属于任何连接的复位报文（RST）。每个 RST 都要目标查找一次连接；"
     "如果某个 RST 的序列号恰好落在某个活动连接的窗口内，该连接就会被拆除（RFC 5961 提高了这种攻击的难度）。"},
    {"rst_flood.how",
     "{orphan_packets} RSTs of no connection in {duration_sec} s; at the peak {peak_unresolved} "
     "within {window_sec} s ({peak_rate_per_sec} a second; the threshold is {threshold_per_sec}).",
     "{duration_sec} 秒内共有 {orphan_packets} 个不属于任何连接的 RST；高峰时 {window_sec} 秒内有 "
     "{peak_unresolved} 个（每秒 {peak_rate_per_sec} 个，阈值为每秒 {threshold_per_sec} 个）。"},
    {"rst_flood.todo",
     "Make sure the TCP stacks check the sequence numbers of RSTs strictly (RFC 5961 challenge "
     "ACKs, on by default in Linux), drop RSTs that match no connection at the edge (conntrack), "
     "and rate-limit them per source.",
     "确认各 TCP 协议栈严格检查 RST 的序列号（RFC 5961 的 challenge ACK，Linux 默认开启），"
     "在网络边界丢弃不属于任何连接的 RST（conntrack），并按源地址限速。"},

    // --- SYN-ACK reflection ---
    {"synack_reflection.what",
     "SYN-ACK reflection on {target}: someone sends SYNs to many servers with {target}'s address "
     "forged as their source, and their SYN-ACKs (and the retransmissions of them) flood "
     "{target}, which never sent those SYNs.",
     "{target} 遭受 SYN-ACK 反射攻击：攻击者把 {target} 伪造成源地址，向大量服务器发送 SYN，"
     "这些服务器回复的 SYN-ACK（以及它们的重传）淹没了 {target}，而 {target} 从未发送过这些 SYN。"},
    {"synack_reflection.how",
     "{synacks} SYN-ACKs that answer no SYN in {duration_sec} s, from {reflectors} reflectors to "
     "{distinct_ports} ports ({retransmitted} of them retransmissions: the amplification); at the "
     "peak {peak_unresolved} within {window_sec} s ({peak_rate_per_sec} a second; the threshold "
     "is {threshold_per_sec}); {target} answered {target_rsts} of them with a RST, and received "
     "{rsts_to_target} RSTs of no connection besides.",
     "{duration_sec} 秒内，{reflectors} 个反射源向 {distinct_ports} 个端口发送了 {synacks} 个没有对应 SYN 的 "
     "SYN-ACK（其中 {retransmitted} 个是重传，即放大效应）；高峰时 {window_sec} 秒内有 {peak_unresolved} 个"
     "（每秒 {peak_rate_per_sec} 个，阈值为每秒 {threshold_per_sec} 个）；{target} 对其中 {target_rsts} 个回复了 RST，"
     "此外还收到了 {rsts_to_target} 个不属于任何连接的 RST。"},
    {"synack_reflection.todo",
     "Drop SYN-ACKs that answer none of your SYNs at the edge (conntrack, a stateful firewall), "
     "have the upstream provider filter or scrub them, and report the reflectors; the forged "
     "SYNs come from networks without source address validation (BCP 38).",
     "在网络边界丢弃不对应本方任何 SYN 的 SYN-ACK（conntrack、有状态防火墙），请上游运营商过滤或清洗这些流量，"
     "并向反射源通报；伪造的 SYN 来自没有部署源地址验证（BCP 38）的网络。"},

    // --- Port scans ---
    {"port_scan.what.vertical",
     "Port scan of {target} by {source}: it probed {ports} ports of the host to find the services "
     "it runs ({scan_type_name}).",
     "{source} 对 {target} 进行了端口扫描：探测了该主机的 {ports} 个端口，以找出其上运行的服务（{scan_type_name}）。"},
    {"port_scan.what.horizontal",
     "Port scan by {source} of port {port} on {hosts} hosts ({target}): it looks for the machines "
     "that run one service ({scan_type_name}).",
     "{source} 对 {hosts} 台主机（{target}）的 {port} 端口进行了横向扫描，寻找运行某一服务的机器（{scan_type_name}）。"},
    {"scan.syn",
     "a SYN scan: half-open probes; the scanner resets every connection the target accepts",
     "SYN 扫描：半开连接探测，目标一接受连接，扫描器就将其复位"},
    {"scan.connect",
     "a connect scan: full handshakes, closed at once",
     "connect 扫描：完成完整的三次握手后立即关闭"},
    {"scan.fin",
     "a FIN scan: bare FINs; closed ports answer with a RST, open ones stay silent (RFC 793)",
     "FIN 扫描：只带 FIN 的探测包；关闭的端口回复 RST，开放的端口不作响应（RFC 793）"},
    {"scan.null",
     "a NULL scan: probes with no flag at all; closed ports answer with a RST",
     "NULL 扫描：不带任何标志位的探测包；关闭的端口回复 RST"},
    {"scan.xmas",
     "an Xmas scan: probes with FIN, PSH and URG; closed ports answer with a RST",
     "Xmas 扫描：同时设置 FIN、PSH 和 URG 的探测包；关闭的端口回复 RST"},
    {"scan.ack",
     "an ACK scan: bare ACKs that map the firewall; every unfiltered port answers with a RST "
     "(nmap's window scan, -sW, sends the same probes)",
     "ACK 扫描：用单独的 ACK 探测防火墙规则；凡未被过滤的端口都会回复 RST（nmap 的窗口扫描 -sW 发送的探测包与此相同）"},
    {"scan.maimon",
     "a Maimon scan: FIN+ACK probes",
     "Maimon 扫描：FIN+ACK 探测包"},
    {"scan.window",
     "a window scan: ACK probes, told apart by the window of the RSTs",
     "窗口扫描：ACK 探测包，根据 RST 的窗口值区分端口状态"},
    {"port_scan.how",
     "{probes} probes in {duration_sec} s ({probes_per_sec} a second: a {speed_text} scan). The "
     "scanner learned: {learned}. Answers: {synacks} SYN-ACKs, {rsts} RSTs, {unreachable} ICMP "
     "unreachables; {used} of the probes led to a connection that was used.",
     "{duration_sec} 秒内发送了 {probes} 个探测包（每秒 {probes_per_sec} 个，属于{speed_text}扫描）。"
     "扫描器得知：{learned}。应答：{synacks} 个 SYN-ACK、{rsts} 个 RST、{unreachable} 个 ICMP 不可达；"
     "其中 {used} 个探测建立了随后被实际使用的连接。"},
    {"speed.fast", "fast", "快速"},
    {"speed.slow", "slow", "慢速"},
    {"learned.open", "{open} open, {closed} closed, {filtered} filtered",
     "{open} 个开放、{closed} 个关闭、{filtered} 个被过滤"},
    {"port_scan.open_ports", "Open ports it found: {open_ports}.", "它发现的开放端口：{open_ports}。"},
    {"learned.ack", "{unfiltered} unfiltered, {filtered} filtered",
     "{unfiltered} 个未被过滤、{filtered} 个被过滤"},
    {"learned.silent", "{closed} closed, {open_or_filtered} open or filtered",
     "{closed} 个关闭、{open_or_filtered} 个开放或被过滤"},
    {"port_scan.tool", "The probes carry the fingerprint of {tool_text}.", "探测包带有{tool_text}。"},
    {"tool.nmap",
     "nmap (windows of 1024-4096, MSS as the only option, the same sequence number in every probe)",
     " nmap 的特征（窗口为 1024-4096、只带 MSS 选项、每个探测包的序列号都相同）"},
    {"tool.hping3", "hping3 (one fixed source port, window 512, no TCP option)",
     " hping3 的特征（固定的源端口、窗口 512、不带 TCP 选项）"},
    {"tool.masscan", "masscan (one fixed source port, window 1024, no TCP option)",
     " masscan 的特征（固定的源端口、窗口 1024、不带 TCP 选项）"},
    {"tool.zmap", "zmap (IP ID 54321 in every probe)", " zmap 的特征（每个探测包的 IP ID 都是 54321）"},
    {"tool.os_connect",
     "the operating system's own connect() (the kernel's SYN options): a script or a connect scan",
     "操作系统自身 connect() 的特征（内核的 SYN 选项）：脚本或 connect 扫描"},
    {"port_scan.todo",
     "Check that {target} exposes only the services it should (close or firewall the others); "
     "if {source} is not an authorised scanner, block or rate-limit it, and watch for "
     "connections from it to the ports it found open.",
     "检查 {target} 是否只开放了应当开放的服务（关闭其他服务或用防火墙屏蔽）；如果 {source} 不是经过授权的扫描器，"
     "就封禁它或对它限速，并留意它随后对已发现的开放端口发起的连接。"},

    // --- ISNs ---
    {"weak_isn.what",
     "Predictable initial sequence numbers (ISNs) on {target}: its TCP stack chooses ISNs an "
     "attacker can guess, so that one who sees a single connection can forge others (blind "
     "spoofing, injecting data into connections or resetting them). RFC 6528 asks for "
     "ISN = a clock + a keyed hash of the 4-tuple.",
     "{target} 的初始序列号（ISN）可被预测：它的 TCP 协议栈选择的 ISN 能被攻击者猜到，攻击者只需观察到一个连接，"
     "就能伪造其他连接（盲欺骗、向连接中注入数据或复位连接）。RFC 6528 要求 ISN = 时钟 + 对四元组的带密钥哈希。"},
    {"isn.constant", "Every ISN is the same: {isns}.", "所有 ISN 都相同：{isns}。"},
    {"isn.time_linear",
     "The ISNs grow in step with time, by about {rate_per_sec} a second (line fit r² = {r2}).",
     "ISN 随时间线性增长，约每秒增加 {rate_per_sec}（直线拟合 r² = {r2}）。"},
    {"isn.small_increments",
     "Each ISN is the one before plus a small increment (median {median_increment}, spread {increment_iqr}).",
     "每个 ISN 都是前一个加上一个很小的增量（中位数 {median_increment}，离散程度 {increment_iqr}）。"},
    {"weak_isn.how",
     "Judged over {samples} connections it chose the ISN of ({role_text}): {predictable} of "
     "{increments} successive increments are predictable ({zero_increments} zero, "
     "{small_increments} small, {on_line} on the line); random ISNs would do that with "
     "probability {pvalue}. First ISNs: {isns}.",
     "基于它选择 ISN 的 {samples} 个连接（{role_text}）判断：{increments} 个相邻增量中有 {predictable} 个可预测"
     "（{zero_increments} 个为零、{small_increments} 个很小、{on_line} 个落在拟合直线上）；随机 ISN 出现这种情况的概率为 "
     "{pvalue}。前几个 ISN：{isns}。"},
    {"weak_isn.todo",
     "Update or replace the TCP stack (or the middlebox that rewrites sequence numbers) so that "
     "it follows RFC 6528; until then do not rely on address-based trust (rsh-style), use "
     "encrypted and authenticated protocols (TLS, SSH, IPsec), and filter forged sources at the edge.",
     "升级或更换该 TCP 协议栈（或改写序列号的中间设备），使其遵循 RFC 6528；在此之前，不要依赖基于地址的信任"
     "（如 rsh），改用加密并带认证的协议（TLS、SSH、IPsec），并在网络边界过滤伪造的源地址。"},
    {"isn_quality.what", "The ISNs of {target} look random: no alarm.",
     "{target} 的 ISN 看起来是随机的：无需告警。"},
    {"isn_quality.how",
     "{samples} connections: {predictable} of {increments} increments predictable (probability "
     "for random ISNs {pvalue}); the top bits of the increments are uniform with p = {uniform_pvalue}.",
     "{samples} 个连接：{increments} 个增量中有 {predictable} 个可预测（随机 ISN 出现此情况的概率为 {pvalue}）；"
     "增量高位均匀分布检验的 p 值为 {uniform_pvalue}。"},
    {"isn_quality.todo", "Nothing to do.", "无需处理。"},
    {"role.server", "as a server", "作为服务器"},
    {"role.client", "as a client", "作为客户端"},
    {"role.server_and_client", "as a server and as a client", "作为服务器和客户端"},

    // --- The table ---
    {"table.kind", "kind", "类型"},
    {"table.source", "source", "来源"},
    {"table.target", "target", "目标"},
    {"table.scan_type", "scan", "扫描方式"},
    {"table.frames", "frames", "帧"},
    {"table.duration", "duration", "持续时间"},
    {"table.packets", "packets", "报文数"},
    {"table.severity", "severity", "严重程度"},
    {"table.none", "No finding.", "没有发现异常。"},
    {"table.what", "What", "是什么"},
    {"table.how", "How it was recognised", "如何识别"},
    {"table.todo", "What to do", "怎么办"},
    {"kind.syn_flood", "SYN flood", "SYN 洪泛"},
    {"kind.ack_flood", "ACK flood", "ACK 洪泛"},
    {"kind.rst_flood", "RST flood", "RST 洪泛"},
    {"kind.synack_reflection", "SYN-ACK reflection", "SYN-ACK 反射"},
    {"kind.port_scan", "port scan", "端口扫描"},
    {"kind.weak_isn", "weak ISNs", "ISN 可预测"},
    {"kind.isn_quality", "random ISNs", "ISN 随机"},
    {"severity.info", "info", "提示"},
    {"severity.low", "low", "低"},
    {"severity.medium", "medium", "中"},
    {"severity.high", "high", "高"},
    {"source.spoofed", "spoofed", "伪造"},
};

std::string real_text(std::string_view key, double v) {
  char buf[48];
  if (key.ends_with("_share")) {
    std::snprintf(buf, sizeof buf, "%.0f%%", v * 100);
  } else if (key.find("pvalue") != std::string_view::npos) {
    if (v < 1e-300) return "< 1e-300";
    std::snprintf(buf, sizeof buf, "%.2g", v);
  } else if (key == "r2") {
    std::snprintf(buf, sizeof buf, "%.4f", v);
  } else if (std::fabs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (std::fabs(v) >= 10) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  }
  return buf;
}

std::string join(const std::vector<std::string>& list, Lang lang) {
  std::string out;
  for (const std::string& s : list) {
    if (!out.empty()) out += lang == Lang::Zh ? "、" : ", ";
    out += s;
  }
  return out.empty() ? "-" : out;
}

std::string evidence_text(const Finding& f, std::string_view key, Lang lang) {
  const Evidence* e = f.find(key);
  if (e == nullptr) return {};
  switch (e->type) {
    case Evidence::Type::Int: return std::to_string(e->i);
    case Evidence::Type::Real: return real_text(key, e->d);
    case Evidence::Type::Text: return e->s;
    case Evidence::Type::List: return join(e->list, lang);
  }
  return {};
}

}  // namespace

bool parse_lang(std::string_view text, Lang& lang) {
  if (text == "en" || text.starts_with("en_") || text.starts_with("en-") || text == "C" || text == "POSIX") {
    lang = Lang::En;
    return true;
  }
  if (text == "zh" || text.starts_with("zh_") || text.starts_with("zh-")) {
    lang = Lang::Zh;
    return true;
  }
  return false;
}

std::string_view message(std::string_view id, Lang lang) {
  for (const Message& m : kMessages)
    if (m.id == id) return lang == Lang::Zh ? m.zh : m.en;
  return id;
}

std::string value_text(const Finding& f, std::string_view key, Lang lang) {
  if (key == "target") return f.target;
  if (key == "source")
    return f.source == "spoofed" ? std::string(message("source.spoofed", lang)) : f.source;
  if (key == "scan_type") return std::string(to_string(f.scan_type));
  if (key == "packets") return std::to_string(f.packets);
  if (key == "scan_type_name") return fill(message("scan." + std::string(to_string(f.scan_type)), lang), f, lang);
  if (key == "speed_text") return std::string(message("speed." + evidence_text(f, "speed", lang), lang));
  if (key == "role_text") return std::string(message("role." + evidence_text(f, "role", lang), lang));
  if (key == "tool_text") return std::string(message("tool." + evidence_text(f, "tool", lang), lang));
  if (key == "learned") {
    switch (f.scan_type) {
      case ScanType::Syn:
      case ScanType::Connect: return fill(message("learned.open", lang), f, lang);
      case ScanType::Ack:
      case ScanType::Window: return fill(message("learned.ack", lang), f, lang);
      default: return fill(message("learned.silent", lang), f, lang);
    }
  }
  return evidence_text(f, key, lang);
}

std::string fill(std::string_view text, const Finding& f, Lang lang) {
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      const std::size_t end = text.find('}', i);
      if (end != std::string_view::npos) {
        out += value_text(f, text.substr(i + 1, end - i - 1), lang);
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

Explanation explain(const Finding& f, Lang lang) {
  Explanation x;
  auto say = [&](std::string& into, std::string_view id) {
    if (!into.empty()) into += lang == Lang::Zh ? "" : " ";
    into += fill(message(id, lang), f, lang);
  };
  const std::string kind(to_string(f.kind));
  switch (f.kind) {
    case FindingKind::SynFlood:
    case FindingKind::AckFlood:
    case FindingKind::RstFlood:
    case FindingKind::SynAckReflection: {
      say(x.what, kind + ".what");
      say(x.how, kind + ".how");
      if (f.kind != FindingKind::SynAckReflection) say(x.how, f.source == "spoofed" ? "flood.spoofed" : "flood.single");
      const Evidence* bogus = f.find("bogus_sources");
      if (bogus != nullptr && bogus->i > 0) say(x.how, "flood.bogus");
      const Evidence* ttls = f.find("distinct_ttls");
      if (ttls != nullptr && ttls->i > 2) say(x.how, "flood.ttls");
      if (f.kind == FindingKind::SynFlood) {
        const Evidence* none = f.find("options_none");
        const Evidence* attempts = f.find("attempts");
        if (none != nullptr && attempts != nullptr && none->i * 2 > attempts->i) say(x.how, "syn_flood.options");
        say(x.how, "syn_flood.cookies." + value_text(f, "syn_cookies", lang));
        const Evidence* delayed = f.find("delayed_clients");
        if (delayed != nullptr && delayed->i > 0) say(x.how, "syn_flood.victims");
      }
      say(x.todo, kind + ".todo");
      break;
    }
    case FindingKind::PortScan: {
      say(x.what, value_text(f, "direction", lang) == "horizontal" ? "port_scan.what.horizontal" : "port_scan.what.vertical");
      say(x.how, "port_scan.how");
      const Evidence* open = f.find("open_ports");
      if (open != nullptr && !open->list.empty()) say(x.how, "port_scan.open_ports");
      if (value_text(f, "tool", lang) != "unknown") say(x.how, "port_scan.tool");
      say(x.todo, "port_scan.todo");
      break;
    }
    case FindingKind::WeakIsn:
      say(x.what, "weak_isn.what");
      say(x.how, "isn." + value_text(f, "pattern", lang));
      say(x.how, "weak_isn.how");
      say(x.todo, "weak_isn.todo");
      break;
    case FindingKind::IsnQuality:
      say(x.what, "isn_quality.what");
      say(x.how, "isn_quality.how");
      say(x.todo, "isn_quality.todo");
      break;
  }
  return x;
}

}  // namespace tcplens::detect
