// IPsec (print-ah.c, print-esp.c). The Authentication Header (RFC 4302, IP protocol 51), as tcpdump 4.99's print-ah.c:
// `AH(` [length=N(B-bytes),] [reserved=0xR[MustBeZero],] `spi=0x........,seq=0x..,icv=0x..): `
// and then, from ip_demux_print, whatever the AH's next header says.
#include "print_context.hpp"

namespace tcplens::tcpdump {

unsigned ah_print(PrintContext& ctx, const std::uint8_t* bp) {
  ctx.protocol = "ah";
  ctx.put("AH");
  constexpr unsigned kLength = 1, kReserved = 2, kSpi = 4, kSeq = 8, kFixed = 12;
  const std::uint8_t ah_len = ctx.u8(bp + kLength);
  const unsigned hdr_len = (ah_len + 2u) * 4u;  // in 32-bit words, minus 2
  ctx.put('(');
  if (ctx.opt.verbose) {
    ctx.put("length=");
    ctx.put_u(ah_len);
    ctx.put('(');
    ctx.put_u(hdr_len);
    ctx.put("-bytes),");
  }
  if (const std::uint16_t reserved = ctx.be16(bp + kReserved); reserved != 0) {
    ctx.put("reserved=0x");
    ctx.out.put_hex(reserved, 1);
    ctx.put("[MustBeZero],");
  }
  const std::uint32_t spi = ctx.be32(bp + kSpi);
  ctx.put("spi=0x");
  ctx.out.put_hex(spi, 8);
  ctx.put(',');
  const std::uint32_t seq = ctx.be32(bp + kSeq);
  ctx.put("seq=0x");
  ctx.out.put_hex(seq, 1);
  ctx.put(",icv=0x");
  for (const std::uint8_t* p = bp + kFixed; p < bp + hdr_len; ++p) ctx.out.put_hex_byte(ctx.u8(p));
  ctx.put("): ");
  return hdr_len;
}

// print-esp.c without keys (-E): the SPI and the sequence number, then the length given; a
// header not all captured, or nothing captured after it, gives the marker alone.
void esp_print(PrintContext& ctx, const std::uint8_t* bp, unsigned length) {
  ctx.protocol = "esp";
  constexpr std::size_t kHeader = 8;
  if (ctx.available(bp) <= kHeader) return ctx.print_trunc();  // tcpdump: esp + 1 >= snapend
  ctx.put("ESP(spi=0x");
  ctx.out.put_hex(ctx.be32(bp), 8);
  ctx.put(",seq=0x");
  ctx.out.put_hex(ctx.be32(bp + 4), 1);
  ctx.put("), length ");
  ctx.put_u(length);
}

}  // namespace tcplens::tcpdump
