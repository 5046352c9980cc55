// The Ethernet configuration testing protocol, ethertype 0x9000 (tcpdump's print-loopback.c).
#include "print_context.hpp"

namespace tcplens::tcpdump {

namespace {

void loopback_message_print(PrintContext& ctx, const std::uint8_t* cp, unsigned len) {
  if (len < 2) {
    ctx.print_invalid();
    ctx.tcheck(cp, len);
    return;
  }
  std::uint16_t function = ctx.le16(cp);
  cp += 2;
  len -= 2;
  ctx.put(", ");
  if (function == 1 || function == 2) {
    ctx.put(function == 1 ? "Reply" : "Forward Data");
  } else {
    ctx.put(" invalid (");
    ctx.put_u(function);
    ctx.put(')');
  }
  if (function == 1) {
    if (len < 2) {
      ctx.print_invalid();
      ctx.tcheck(cp, len);
      return;
    }
    ctx.put(", receipt number ");
    ctx.put_u(ctx.le16(cp));
    cp += 2;
    len -= 2;
  } else if (function == 2) {
    if (len < 6) {
      ctx.print_invalid();
      ctx.tcheck(cp, len);
      return;
    }
    ctx.put(", forwarding address ");
    ctx.put_mac(cp);
    cp += 6;
    len -= 6;
  }
  if (function == 1 || function == 2) {
    ctx.put(", data (");
    ctx.put_u(len);
    ctx.put(" octets)");
  }
  ctx.tcheck(cp, len);
}

}  // namespace

void loopback_print(PrintContext& ctx, const std::uint8_t* cp, unsigned len) {
  ctx.protocol = "loopback";
  ctx.put("Loopback");
  if (len < 2) {
    ctx.print_invalid();
    ctx.tcheck(cp, len);
    return;
  }
  std::uint16_t skip = ctx.le16(cp);
  cp += 2;
  len -= 2;
  ctx.put(", skipCount ");
  ctx.put_u(skip);
  if (skip % 8) ctx.put(" (bogus)");
  if (skip > len) {
    ctx.print_invalid();
    ctx.tcheck(cp, len);
    return;
  }
  ctx.tcheck(cp, skip);
  loopback_message_print(ctx, cp + skip, len - skip);
}

}  // namespace tcplens::tcpdump
