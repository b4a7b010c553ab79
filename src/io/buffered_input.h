// Private to the io layer: a buffered reader over a ByteSource that hands
// out lines and blocks as views into its own buffers, counts the
// decompressed offset, and can put bytes back (for resynchronizing after a
// damaged WARC record).

#ifndef NEARDUP_IO_BUFFERED_INPUT_H_
#define NEARDUP_IO_BUFFERED_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "io/byte_source.h"

namespace neardup::internal {

// Reads `source` through a buffer of `chunk_bytes` (grown only by Peek and
// Unread beyond it). Every view handed out stays valid until the next call
// on this object, and has at least `padding` readable (unspecified) bytes
// after its end, so that parsers which read ahead (simdjson) can use it in
// place. Not thread-safe.
class BufferedInput {
 public:
  explicit BufferedInput(std::unique_ptr<ByteSource> source,
                         size_t chunk_bytes = kChunkBytes, size_t padding = 64);
  BufferedInput(const BufferedInput&) = delete;
  BufferedInput& operator=(const BufferedInput&) = delete;

  // Returns up to `n` bytes at the current position without consuming them;
  // fewer only at the end of the stream or on an error.
  std::string_view Peek(size_t n);

  // Consumes `n` bytes, n <= the size of the last Peek.
  void Skip(size_t n);

  enum class LineStatus {
    kLine,     // *line holds a line without its "\n"
    kTooLong,  // the line was longer than max_bytes; it was skipped
    kEnd,      // no bytes left
    kError,    // the source failed (see status()); a partial line is dropped
  };
  // Reads the next line. *terminated tells whether a "\n" ended it (a last
  // line may lack one). Cost: linear in the line length whatever its size;
  // a line longer than the buffer is assembled in a second buffer that grows
  // geometrically.
  LineStatus ReadLine(size_t max_bytes, std::string_view* line,
                      bool* terminated);

  // Consumes everything through the next "\n". Returns false when the end
  // (or an error) came first.
  bool SkipLine();

  // Appends the next `n` bytes to *out. Returns the number appended, fewer
  // than n only at the end of the stream or on an error.
  size_t Read(size_t n, std::string* out);

  // Consumes up to `n` bytes without keeping them; returns how many.
  uint64_t Discard(uint64_t n);

  // Puts `bytes` back in front of the unread input; they are read again next
  // (and offset() moves back by their size).
  void Unread(std::string_view bytes);

  // The offset of the next byte in the (decompressed) stream.
  uint64_t offset() const { return offset_; }
  // OK, or the error that ended the stream.
  const absl::Status& status() const { return status_; }

 private:
  // Reads more bytes after end_, making room first. Returns false at the
  // end of the stream or on an error.
  bool Fill();
  // Makes sure line_ can hold `size` bytes plus padding.
  void ReserveLine(size_t size);

  std::unique_ptr<ByteSource> source_;
  const size_t chunk_;
  const size_t padding_;
  std::unique_ptr<char[]> buf_;  // capacity_ + padding_ bytes
  size_t capacity_;
  size_t begin_ = 0;  // unread bytes are buf_[begin_ .. end_)
  size_t end_ = 0;
  std::unique_ptr<char[]> line_;  // a line longer than the buffer
  size_t line_capacity_ = 0;
  uint64_t offset_ = 0;
  bool ended_ = false;
  absl::Status status_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_IO_BUFFERED_INPUT_H_
