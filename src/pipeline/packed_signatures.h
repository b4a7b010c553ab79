// Private to the dedup job: the MinHash signatures of every document of a
// run, each stored without loss in as few bits per value as its largest
// value needs.
//
// A MinHash value is the minimum over a document's shingles of a 32-bit
// permuted hash, so it is about 2^32 / (distinct shingles): a document of
// 700 shingles has values under 2^26 and needs 26 bits a value, not 32.
// On the generated 1 GB crawl the signatures take 360 bytes a document
// instead of 448 (bench/README, issue 16), and the values read back are
// the values written, so nothing the job decides changes.

#ifndef NEARDUP_PIPELINE_PACKED_SIGNATURES_H_
#define NEARDUP_PIPELINE_PACKED_SIGNATURES_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "pipeline/spill.h"

namespace neardup::internal {

// The signatures of documents 0, 1, ... in the order they were appended.
// Each is one width byte w (1 to 32) and its values in w bits each, in
// chunks of kChunkDocs documents allocated to their exact size when full;
// the chunk being filled lives in one buffer of the largest size, reused.
// Memory: about num_perm * w / 8 + 5 bytes a document, plus that buffer
// (kChunkDocs * (4 * num_perm + 1) bytes); after Spill, the full chunks are
// shared mappings of a spill file (page cache, not the process's memory)
// and 4 bytes a document stay, plus that buffer. Append and Spill from one
// thread at a time; Get is const and may run on many threads while nothing
// appends.
class PackedSignatures {
 public:
  static constexpr size_t kChunkDocs = 4096;

  // Signatures of `num_perm` values (>= 1). Forgets what was appended.
  void Init(size_t num_perm);
  // Forgets what was appended and gives its memory back.
  void Release();
  size_t num_perm() const { return num_perm_; }
  // Documents appended.
  size_t size() const { return ends_.size(); }

  // Stores the next document's signature (num_perm() values). Fails only
  // after Spill, when the spill file cannot grow (the error names it).
  absl::Status Append(absl::Span<const uint32_t> values);
  // Stores document `doc` of `from` (a store of as many values a document)
  // as the next document: its record copied as it is, what Append of its
  // values would store, without unpacking and packing them again.
  absl::Status AppendFrom(const PackedSignatures& from, size_t doc);

  // Moves the full chunks into a spill file in `folder` (gone when this
  // object forgets it, also when the process is killed); chunks filled
  // later go there too. Once only.
  absl::Status Spill(const std::string& folder);
  // Gives back the memory of the full chunks that hold only documents
  // before `doc`: a pass that copies the signatures in order into another
  // store (the main-text pass) holds one store, not two. Those documents
  // are not read again (Get asserts). After Spill their pages are the
  // spill file's, and those read are dropped from the process's resident
  // set again (written chunks are dropped from it as they are written).
  void ReleaseBefore(size_t doc);
  // Bytes of the full chunks held in memory (not released, not spilled).
  size_t held_chunk_bytes() const;
  // Whether Spill was called.
  bool spilled() const { return file_ != nullptr; }
  // Bytes of the spill file (0: not spilled).
  uint64_t spilled_bytes() const { return file_ ? file_->bytes() : 0; }

  // Writes values [first, first + count) of document `doc` (< size()) to
  // out[0, count). first + count <= num_perm(). Cost: O(count).
  void Get(size_t doc, size_t first, size_t count, uint32_t* out) const;
  // Writes values [first, first + count) of documents [begin, end) to out,
  // count values a document one after another (what the index reads of
  // one band). Cost: O((end - begin) * count), without a call a document.
  void GetRange(size_t begin, size_t end, size_t first, size_t count,
                uint32_t* out) const;
  // Writes all num_perm() values of document `doc` to `out`.
  void Get(size_t doc, absl::Span<uint32_t> out) const {
    Get(doc, 0, num_perm_, out.data());
  }

  // Hints that document doc (< size()) will be read soon: its offset,
  // then, some time later (when the offset is cached), its bytes. Changes
  // nothing but how long a Get waits for memory: verification reads the
  // signatures of candidate pairs in no order.
  void PrefetchOffset(size_t doc) const {
    if (doc > 0) __builtin_prefetch(&ends_[doc - 1]);
  }
  void PrefetchRecord(size_t doc) const {
    const uint8_t* record = Record(doc);
    const size_t bytes = RecordBytes(doc);
    for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(record + at);
  }

  // The largest bytes one document can take (width byte included).
  size_t MaxRecordBytes() const { return 1 + (num_perm_ * 32 + 7) / 8; }

 private:
  // Decoding reads 8 bytes at the byte of a value's first bit.
  static constexpr size_t kPadding = 8;

  const uint8_t* Record(size_t doc) const {
    const size_t chunk = doc / kChunkDocs;
    assert(chunk >= released_);
    const uint8_t* base = chunk < chunks_.size() ? chunks_[chunk] : open_.get();
    return base + RecordStart(doc);
  }
  // Where document doc's record starts in its chunk, and its bytes.
  size_t RecordStart(size_t doc) const {
    return doc % kChunkDocs == 0 ? 0 : ends_[doc - 1];
  }
  size_t RecordBytes(size_t doc) const { return ends_[doc] - RecordStart(doc); }
  // The bytes of full chunk `chunk`.
  size_t ChunkBytes(size_t chunk) const {
    return ends_[(chunk + 1) * kChunkDocs - 1];
  }
  // A copy of the `bytes` bytes of a full chunk, kept at its size (and
  // kPadding): on the heap, or after Spill in a region of the spill file
  // at a page-aligned offset, its size rounded up to whole pages.
  absl::StatusOr<const uint8_t*> Keep(const uint8_t* chunk, size_t bytes);
  // The bytes of the region of the spill file that keeps a chunk of
  // `bytes` (and kPadding), whole pages.
  static size_t RegionBytes(size_t bytes);
  // The buffer of the chunk being filled, made at the first record.
  uint8_t* OpenChunk();
  // Ends the record written up to open_[end]: the next document's, and
  // keeps the chunk when it is full.
  absl::Status Close(size_t end);

  size_t num_perm_ = 0;
  std::vector<const uint8_t*> chunks_;              // full chunks
  std::vector<std::unique_ptr<uint8_t[]>> owned_;   // their memory, before Spill
  size_t released_ = 0;  // chunks [0, released_) given back (ReleaseBefore)
  std::unique_ptr<SpillFile> file_;                 // after Spill
  std::unique_ptr<uint8_t[]> open_;                 // the chunk being filled
  size_t open_bytes_ = 0;
  // Per document: where its record ends in its chunk (its start is the end
  // of the document before in the same chunk, or 0).
  std::vector<uint32_t> ends_;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_PACKED_SIGNATURES_H_
