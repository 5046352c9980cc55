#include "tcplens/bytes.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tcplens {
namespace {

TEST(Bytes, LoadsBigAndLittleEndian) {
  const std::array<std::uint8_t, 8> b{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(load_be16(b.data()), 0x0102);
  EXPECT_EQ(load_be24(b.data()), 0x010203u);
  EXPECT_EQ(load_be32(b.data()), 0x01020304u);
  EXPECT_EQ(load_be64(b.data()), 0x0102030405060708ull);
  EXPECT_EQ(load_le16(b.data()), 0x0201);
  EXPECT_EQ(load_le32(b.data()), 0x04030201u);
}

TEST(ByteReader, StopsAtEndAndRemembersFailure) {
  const std::array<std::uint8_t, 3> b{0xAA, 0xBB, 0xCC};
  ByteReader r{ByteView(b)};
  EXPECT_EQ(r.be16(), 0xAABB);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.be16(), 0);  // only one byte left
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.u8(), 0);  // sticky failure: no further reads
  EXPECT_EQ(r.offset(), 2u);
}

}  // namespace
}  // namespace tcplens
