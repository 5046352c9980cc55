// ChunkedVector: the pools of per-connection state (tracker, connection analysis, Zeek).
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace tcplens {

// A vector in fixed chunks of 2^Shift elements: growing copies nothing and never holds two
// copies (a plain vector doubling would, for a moment), elements never move, and at most one
// chunk is allocated beyond what is used.
template <typename T, unsigned Shift>
class ChunkedVector {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << Shift;
  T& operator[](std::size_t i) { return chunks_[i >> Shift][i & (kChunk - 1)]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> Shift][i & (kChunk - 1)]; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& emplace_back() {
    if ((size_ & (kChunk - 1)) == 0 && (size_ >> Shift) == chunks_.size())
      chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];
  }
  void push_back(T value) { emplace_back() = std::move(value); }
  T& back() { return (*this)[size_ - 1]; }
  // The last element is left as a new one (its resources freed); its chunk stays.
  void pop_back() { (*this)[--size_] = T{}; }
  void clear() {
    while (size_ != 0) pop_back();
  }
  void release() {
    std::vector<std::unique_ptr<T[]>>().swap(chunks_);
    size_ = 0;
  }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace tcplens
