#include "pipeline/packed_signatures.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstring>
#include <utility>

namespace neardup::internal {
namespace {

uint64_t LoadLittle64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  return v;
}

}  // namespace

void PackedSignatures::Init(size_t num_perm) {
  Release();
  num_perm_ = num_perm;
}

void PackedSignatures::Release() {
  std::vector<const uint8_t*>().swap(chunks_);
  std::vector<std::unique_ptr<uint8_t[]>>().swap(owned_);
  released_ = 0;
  file_.reset();
  std::vector<uint32_t>().swap(ends_);
  open_.reset();
  open_bytes_ = 0;
}

absl::StatusOr<const uint8_t*> PackedSignatures::Keep(const uint8_t* chunk,
                                                      size_t bytes) {
  if (file_ == nullptr) {
    owned_.emplace_back(new uint8_t[bytes + kPadding]);
    std::memcpy(owned_.back().get(), chunk, bytes);
    return owned_.back().get();
  }
  const size_t size = RegionBytes(bytes);
  auto region = file_->MapRegion(file_->bytes(), size);
  if (!region.ok()) return region.status();
  std::memcpy(*region, chunk, bytes);
  // The pages stay in the page cache (a shared mapping of the file), out
  // of the process's resident set until read again.
  ::madvise(*region, size, MADV_DONTNEED);
  return reinterpret_cast<const uint8_t*>(*region);
}

size_t PackedSignatures::RegionBytes(size_t bytes) {
  // Every region a whole number of pages: the file's end is page-aligned.
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + kPadding + page - 1) / page * page;
}

uint8_t* PackedSignatures::OpenChunk() {
  if (!open_)
    open_.reset(new uint8_t[kChunkDocs * MaxRecordBytes() + kPadding]);
  return open_.get();
}

void PackedSignatures::ReleaseBefore(size_t doc) {
  const size_t end = std::min(doc / kChunkDocs, chunks_.size());
  for (; released_ < end; ++released_) {
    if (file_ != nullptr) {
      // Pages read since they were written: out of the resident set again.
      ::madvise(const_cast<uint8_t*>(chunks_[released_]),
                RegionBytes(ChunkBytes(released_)), MADV_DONTNEED);
    }
    chunks_[released_] = nullptr;
    if (released_ < owned_.size()) owned_[released_].reset();
  }
}

size_t PackedSignatures::held_chunk_bytes() const {
  size_t bytes = 0;
  for (size_t c = released_; c < owned_.size(); ++c) {
    bytes += ChunkBytes(c) + kPadding;
  }
  return bytes;
}

absl::Status PackedSignatures::Spill(const std::string& folder) {
  assert(file_ == nullptr);
  auto file = SpillFile::Create(folder, "signatures");
  if (!file.ok()) return file.status();
  file_ = *std::move(file);
  for (size_t c = released_; c < chunks_.size(); ++c) {
    const size_t bytes = ChunkBytes(c);
    auto kept = Keep(chunks_[c], bytes);
    if (!kept.ok()) return kept.status();
    chunks_[c] = *kept;
    owned_[c].reset();
  }
  std::vector<std::unique_ptr<uint8_t[]>>().swap(owned_);
  return absl::OkStatus();
}

absl::Status PackedSignatures::Append(absl::Span<const uint32_t> values) {
  assert(values.size() == num_perm_);
  uint8_t* const chunk = OpenChunk();
  uint32_t largest = 1;  // a width of at least one bit
  for (const uint32_t v : values) largest = std::max(largest, v);
  const int width = std::bit_width(largest);
  uint8_t* out = chunk + open_bytes_;
  *out++ = static_cast<uint8_t>(width);
  uint64_t bits = 0;  // not yet written, low bits first
  int filled = 0;
  for (const uint32_t v : values) {
    bits |= static_cast<uint64_t>(v) << filled;
    filled += width;
    while (filled >= 8) {
      *out++ = static_cast<uint8_t>(bits);
      bits >>= 8;
      filled -= 8;
    }
  }
  if (filled > 0) *out++ = static_cast<uint8_t>(bits);
  return Close(static_cast<size_t>(out - chunk));
}

absl::Status PackedSignatures::AppendFrom(const PackedSignatures& from,
                                          size_t doc) {
  assert(from.num_perm_ == num_perm_ && doc < from.size());
  const size_t bytes = from.RecordBytes(doc);
  std::memcpy(OpenChunk() + open_bytes_, from.Record(doc), bytes);
  return Close(open_bytes_ + bytes);
}

absl::Status PackedSignatures::Close(size_t end) {
  open_bytes_ = end;
  ends_.push_back(static_cast<uint32_t>(open_bytes_));
  if (ends_.size() % kChunkDocs == 0) {
    // The chunk is full: keep it at its size, and refill the buffer.
    auto kept = Keep(open_.get(), open_bytes_);
    if (!kept.ok()) return kept.status();
    chunks_.push_back(*kept);
    open_bytes_ = 0;
  }
  return absl::OkStatus();
}

namespace {

// Values [first, first + count) of `width` bits each from `packed`.
void UnpackAny(const uint8_t* packed, size_t width, size_t first, size_t count,
               uint32_t* out) {
  const uint64_t mask = (uint64_t{1} << width) - 1;
  size_t bit = first * width;
  for (size_t i = 0; i < count; ++i, bit += width) {
    out[i] = static_cast<uint32_t>(
        (LoadLittle64(packed + bit / 8) >> (bit % 8)) & mask);
  }
}

// The first 8 * groups values of kWidth bits: 8 values take kWidth whole
// bytes, so every shift and offset is a constant (about a cycle a value,
// against several for UnpackAny; verification unpacks two signatures per
// candidate pair).
template <int kWidth>
void UnpackGroups(const uint8_t* packed, size_t groups, uint32_t* out) {
  constexpr uint64_t kMask = (uint64_t{1} << kWidth) - 1;
  for (size_t g = 0; g < groups; ++g, packed += kWidth, out += 8) {
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) {
      out[j] = static_cast<uint32_t>(
          (LoadLittle64(packed + j * kWidth / 8) >> (j * kWidth % 8)) & kMask);
    }
  }
}

using UnpackGroupsFn = void (*)(const uint8_t*, size_t, uint32_t*);

template <int... kWidths>
constexpr std::array<UnpackGroupsFn, sizeof...(kWidths) + 1> MakeUnpackers(
    std::integer_sequence<int, kWidths...>) {
  return {nullptr, &UnpackGroups<kWidths + 1>...};
}

// kUnpackers[w]: UnpackGroups<w> for w in [1, 32].
constexpr auto kUnpackers =
    MakeUnpackers(std::make_integer_sequence<int, 32>());

}  // namespace

void PackedSignatures::Get(size_t doc, size_t first, size_t count,
                           uint32_t* out) const {
  assert(doc < size() && first + count <= num_perm_);
  const uint8_t* record = Record(doc);
  const size_t width = record[0];
  const uint8_t* packed = record + 1;
  if (first == 0 && count >= 8) {
    const size_t groups = count / 8;
    kUnpackers[width](packed, groups, out);
    first = groups * 8;
    out += first;
    count -= first;
  }
  UnpackAny(packed, width, first, count, out);
}

void PackedSignatures::GetRange(size_t begin, size_t end, size_t first,
                                size_t count, uint32_t* out) const {
  assert(begin <= end && end <= size() && first + count <= num_perm_);
  // Each record found from its offset, not from the record before: the
  // loads do not wait for one another. Fetched ahead in two steps: the
  // record's first line (its width byte) 2 * kAhead records ahead, then,
  // with that width at hand, the line that holds values [first, ...)
  // kAhead ahead (at about 3 bytes a value, against the 4 a guess without
  // the width would take: a line too far in the later bands).
  constexpr size_t kAhead = 8;
  for (size_t doc = begin; doc < end; ++doc, out += count) {
    if (doc + 2 * kAhead < end) __builtin_prefetch(Record(doc + 2 * kAhead));
    if (doc + kAhead < end) {
      const uint8_t* ahead = Record(doc + kAhead);
      __builtin_prefetch(ahead + 1 + first * ahead[0] / 8);
    }
    const uint8_t* record = Record(doc);
    UnpackAny(record + 1, record[0], first, count, out);
  }
}

}  // namespace neardup::internal
