// BufferedInput: lines and blocks over a ByteSource.

#include "io/buffered_input.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace neardup::internal {

BufferedInput::BufferedInput(std::unique_ptr<ByteSource> source,
                             size_t chunk_bytes, size_t padding)
    : source_(std::move(source)),
      chunk_(std::max<size_t>(chunk_bytes, 16)),
      padding_(padding),
      buf_(new char[chunk_ + padding_]()),
      capacity_(chunk_) {}

bool BufferedInput::Fill() {
  if (ended_ || !status_.ok()) return false;
  if (begin_ == end_) {
    begin_ = end_ = 0;
    if (capacity_ > chunk_) {  // give back what Peek or Unread grew
      buf_.reset(new char[chunk_ + padding_]());
      capacity_ = chunk_;
    }
  }
  if (end_ == capacity_) {
    if (begin_ > 0) {
      std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    } else {
      const size_t grown = capacity_ * 2;
      std::unique_ptr<char[]> bigger(new char[grown + padding_]());
      std::memcpy(bigger.get(), buf_.get(), end_);
      buf_ = std::move(bigger);
      capacity_ = grown;
    }
  }
  absl::StatusOr<size_t> n = source_->Read(buf_.get() + end_, capacity_ - end_);
  if (!n.ok()) {
    status_ = n.status();
    return false;
  }
  if (*n == 0) {
    ended_ = true;
    return false;
  }
  end_ += *n;
  return true;
}

void BufferedInput::ReserveLine(size_t size) {
  if (size + padding_ <= line_capacity_) return;
  const size_t capacity = std::max(size + padding_, line_capacity_ * 2);
  std::unique_ptr<char[]> bigger(new char[capacity]);
  // Only the bytes before `size` are live: ReadLine appends to them.
  if (line_ != nullptr) std::memcpy(bigger.get(), line_.get(), line_capacity_);
  std::memset(bigger.get() + line_capacity_, 0, capacity - line_capacity_);
  line_ = std::move(bigger);
  line_capacity_ = capacity;
}

std::string_view BufferedInput::Peek(size_t n) {
  while (end_ - begin_ < n && Fill()) {
  }
  return std::string_view(buf_.get() + begin_, std::min(n, end_ - begin_));
}

void BufferedInput::Skip(size_t n) {
  n = std::min(n, end_ - begin_);
  begin_ += n;
  offset_ += n;
}

BufferedInput::LineStatus BufferedInput::ReadLine(size_t max_bytes,
                                                  std::string_view* line,
                                                  bool* terminated) {
  size_t line_len = 0;  // bytes already moved to line_
  bool in_line_buffer = false;
  bool too_long = false;
  size_t scanned = 0;  // bytes after begin_ known to hold no '\n'
  for (;;) {
    char* start = buf_.get() + begin_;
    const size_t avail = end_ - begin_;
    const void* nl = std::memchr(start + scanned, '\n', avail - scanned);
    if (nl != nullptr) {
      const size_t len = static_cast<const char*>(nl) - start;
      begin_ += len + 1;
      offset_ += len + 1;
      *terminated = true;
      if (too_long || line_len + len > max_bytes) {
        *line = std::string_view();
        return LineStatus::kTooLong;
      }
      if (!in_line_buffer) {
        *line = std::string_view(start, len);
      } else {
        ReserveLine(line_len + len);
        std::memcpy(line_.get() + line_len, start, len);
        *line = std::string_view(line_.get(), line_len + len);
      }
      return LineStatus::kLine;
    }
    scanned = avail;
    if (!too_long && line_len + avail > max_bytes) too_long = true;
    if (too_long) {
      offset_ += avail;
      begin_ = end_ = 0;
      scanned = 0;
      line_len = 0;
    } else if (begin_ == 0 && end_ == capacity_) {
      // The buffer holds nothing but this line: continue it in line_.
      ReserveLine(line_len + avail);
      std::memcpy(line_.get() + line_len, start, avail);
      line_len += avail;
      in_line_buffer = true;
      offset_ += avail;
      begin_ = end_ = 0;
      scanned = 0;
    }
    if (!Fill()) {
      if (!status_.ok()) return LineStatus::kError;
      *terminated = false;
      if (too_long) {
        *line = std::string_view();
        return LineStatus::kTooLong;
      }
      const size_t rest = end_ - begin_;
      if (rest == 0 && !in_line_buffer) return LineStatus::kEnd;
      if (!in_line_buffer) {
        *line = std::string_view(buf_.get() + begin_, rest);
      } else {
        ReserveLine(line_len + rest);
        std::memcpy(line_.get() + line_len, buf_.get() + begin_, rest);
        *line = std::string_view(line_.get(), line_len + rest);
      }
      begin_ = end_;
      offset_ += rest;
      return LineStatus::kLine;
    }
  }
}

bool BufferedInput::SkipLine() {
  for (;;) {
    const size_t avail = end_ - begin_;
    const void* nl = std::memchr(buf_.get() + begin_, '\n', avail);
    if (nl != nullptr) {
      const size_t len = static_cast<const char*>(nl) - (buf_.get() + begin_);
      begin_ += len + 1;
      offset_ += len + 1;
      return true;
    }
    begin_ = end_;
    offset_ += avail;
    if (!Fill()) return false;
  }
}

size_t BufferedInput::Read(size_t n, std::string* out) {
  size_t done = 0;
  while (done < n) {
    const size_t avail = end_ - begin_;
    if (avail > 0) {
      const size_t take = std::min(avail, n - done);
      out->append(buf_.get() + begin_, take);
      begin_ += take;
      offset_ += take;
      done += take;
      continue;
    }
    if (ended_ || !status_.ok()) break;
    const size_t want = n - done;
    if (want < capacity_) {
      if (!Fill()) break;
      continue;
    }
    // A large block: read straight into *out, growing it geometrically so
    // that a bogus length does not allocate far more than the stream holds.
    const size_t step = std::min(want, std::max(capacity_, out->size()));
    const size_t old_size = out->size();
    out->resize(old_size + step);
    size_t got = 0;
    while (got < step) {
      absl::StatusOr<size_t> r =
          source_->Read(out->data() + old_size + got, step - got);
      if (!r.ok()) {
        status_ = r.status();
        break;
      }
      if (*r == 0) {
        ended_ = true;
        break;
      }
      got += *r;
    }
    out->resize(old_size + got);
    offset_ += got;
    done += got;
    if (got < step) break;
  }
  return done;
}

uint64_t BufferedInput::Discard(uint64_t n) {
  uint64_t done = 0;
  while (done < n) {
    const size_t avail = end_ - begin_;
    if (avail > 0) {
      const size_t take =
          static_cast<size_t>(std::min<uint64_t>(avail, n - done));
      begin_ += take;
      offset_ += take;
      done += take;
      continue;
    }
    if (!Fill()) break;
  }
  return done;
}

void BufferedInput::Unread(std::string_view bytes) {
  const size_t size = bytes.size();
  if (size == 0) return;
  offset_ -= size;
  if (begin_ >= size) {
    begin_ -= size;
    std::memcpy(buf_.get() + begin_, bytes.data(), size);
    return;
  }
  const size_t rest = end_ - begin_;
  if (size + rest <= capacity_) {
    std::memmove(buf_.get() + size, buf_.get() + begin_, rest);
  } else {
    const size_t capacity = size + rest;
    std::unique_ptr<char[]> bigger(new char[capacity + padding_]());
    std::memcpy(bigger.get() + size, buf_.get() + begin_, rest);
    buf_ = std::move(bigger);
    capacity_ = capacity;
  }
  std::memcpy(buf_.get(), bytes.data(), size);
  begin_ = 0;
  end_ = size + rest;
}

}  // namespace neardup::internal
