// neardup io layer: reading documents from crawl files and writing records
// back in the format and compression they came in.
//
// Formats: JSONL (one JSON object per line; the text and id come from named
// fields and every other field passes through untouched; a file that is one
// JSON array is refused, see RecordReader::Open), plain text files (the
// whole file is one document, its id is the path), and WARC/WET
// (Common Crawl; one document per `conversion` or `response` record, id =
// WARC-Record-ID, URL = WARC-Target-URI). Compression: gzip (including the
// concatenated members of .warc.gz) and zstd, detected by magic bytes, not
// by the file name.
//
// Nothing is lost: a record that cannot be read is returned as a Rejection
// naming the file, the 1-based line (JSONL) or record number (WARC) and the
// byte offset in the decompressed stream, and reading goes on. Only damage
// that makes the rest of a file unreadable (a truncated or corrupt compressed
// stream, a WARC record whose length runs past the end) ends the file, and
// that is reported as a Rejection too, before the reader reports the end.
//
// A text file that is not text is rejected ("binary file, not text: ..."),
// not read as a document: when its first 8192 bytes (decompressed) hold a
// NUL byte (the rule of git, grep and diff), or when more than a quarter of
// them are not UTF-8 (ill-formed sequences; a multi-byte character cut by
// the 8192-byte mark does not count). The rejection's offset is that of the
// first such byte. Latin-1 prose stays text (its few ill-formed bytes are
// repaired later); text in a legacy 8-bit encoding of a non-Latin script
// is mostly ill-formed and is rejected: convert it with iconv first.

#ifndef NEARDUP_IO_H_
#define NEARDUP_IO_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace neardup {

enum class Compression { kNone, kGzip, kZstd };

// What a reader does with a document whose text is larger than
// ReaderOptions::max_document_bytes.
enum class Oversize {
  kReject,    // a Rejection ("document larger than max_document_bytes")
  kTruncate,  // a Record whose text is its first max_document_bytes bytes,
              // cut back to a UTF-8 character boundary (Record::text_rest
              // holds the rest)
};
enum class InputFormat { kJsonl, kText, kWarc };

// Returns "none", "gzip" or "zstd".
const char* CompressionName(Compression c);
// Returns "jsonl", "text" or "warc".
const char* InputFormatName(InputFormat f);

// Returns the compression of a file from its first bytes (gzip 1F 8B,
// zstd 28 B5 2F FD), else kNone.
Compression DetectCompression(std::string_view first_bytes);

// Returns the format of a file from its name (after removing .gz, .zst or
// .zstd; extensions in any case): .jsonl .ndjson .json -> kJsonl; .warc .wet
// (and .warc.wet) -> kWarc; .txt .text -> kText. For any other name ("-",
// .wat, no extension) the decompressed first bytes decide: "WARC/" -> kWarc,
// '{' -> kJsonl, else kText.
InputFormat DetectFormat(std::string_view path,
                         std::string_view first_decompressed_bytes);

struct ReaderOptions {
  // JSONL field holding the document text; it must be a string. When a key
  // occurs twice in a record, the first occurrence wins for every field
  // below. Default: "text".
  std::string text_field = "text";
  // JSONL field holding the record id (string or integer). When a record
  // lacks it, the id is "FILE:LINE". Default: "id".
  std::string id_field = "id";
  // JSONL field holding the URL, when present. Default: "url".
  std::string url_field = "url";
  // Optional numeric JSONL field read into Record::number (for keep
  // policies). Empty: none. Default: "".
  std::string number_field;
  // Records whose text is longer are rejected ("document larger than
  // max_document_bytes") or truncated, as `oversize` says. Default: 256 MiB.
  size_t max_document_bytes = size_t{256} << 20;
  // Truncation reads only the text: the record around it must still fit
  // the reader's record limit (a JSONL line or a text file of at most
  // 8 x max_document_bytes + 1 MiB, a WARC record of at most
  // max_document_bytes + 1 MiB), beyond which it is rejected without being
  // held in memory. Default: kReject.
  Oversize oversize = Oversize::kReject;
  // WARC: keep the raw bytes of non-document records for TakePassThrough.
  // When false they are only counted, so a reader that will not write them
  // back (a first pass) does not hold a WAT file's metadata in memory.
  // Default: true.
  bool keep_pass_through = true;
  // JSONL: lines that start before this byte offset (decompressed) are
  // skipped without being parsed (their line numbers still count), so that
  // a file can be read in byte ranges (neardup.dask; which files can:
  // RecordReader::reads_byte_ranges). Default: 0.
  uint64_t skip_before_offset = 0;
};

// One document as read. The views stay valid until the next call to Next.
struct Record {
  std::string_view id;    // see the format notes above
  std::string_view text;  // the document text (JSON string unescaped)
  // Oversize::kTruncate: the text after the cut, so that text + text_rest
  // is the whole text; empty when the document was not truncated.
  std::string_view text_rest;
  std::string_view url;   // empty when unknown
  std::string_view date;  // WARC-Date (WARC); empty otherwise
  // The record's bytes exactly as read, for writing it back: a JSONL line
  // without its line terminator, a whole WARC record (headers, block and
  // the blank line after it), or a text file's content.
  std::string_view raw;  // (JSONL: the line without its "\n"; a "\r" stays)
  // JSONL: the byte range in `raw` of the text field's JSON string token,
  // quotes included, so that a writer can replace the text and keep every
  // other byte. 0 and 0 for other formats.
  size_t text_token_begin = 0;
  size_t text_token_end = 0;
  InputFormat format = InputFormat::kJsonl;  // of the file it came from
  uint64_t line = 0;      // 1-based line (JSONL), record number (WARC), 1
  uint64_t offset = 0;    // byte offset of the record, decompressed
  double number = 0;      // value of number_field; NaN when absent
};

// Returns the host of a URL such as Record::url, lowercased
// ("https://www.example.com:8080/a" -> "www.example.com"); "" when there is
// none. A user name and password are left out, a port too (not of an IPv6
// literal). The clean job's site of a record.
std::string UrlHost(std::string_view url);

struct Rejection {
  std::string file;
  uint64_t line = 0;      // as Record::line; 0 when not applicable
  uint64_t offset = 0;    // byte offset, decompressed
  std::string reason;     // e.g. "malformed JSON: ...", "truncated gzip"
};

// JSONL: which of the fields ReaderOptions names the records had, so that
// a job can tell a misspelt field from a few incomplete records.
struct FieldCounts {
  uint64_t objects = 0;         // lines that parsed as JSON objects
  uint64_t missing_text = 0;    // of those, lines without text_field
  uint64_t missing_id = 0;      // without id_field
  uint64_t missing_number = 0;  // without number_field (when it is set)
  // The distinct keys of the first 8 objects, in order of appearance (for
  // a message that says which fields there are).
  std::vector<std::string> first_keys;

  void Add(const FieldCounts& other);
};

// Reads the documents of one file, sequentially. Not thread-safe; one reader
// per file. Memory: one record plus a fixed-size decompression buffer.
class RecordReader {
 public:
  enum class Result { kRecord, kRejected, kEnd };

  // Opens `path` ("-" is standard input). Returns NotFound or
  // PermissionDenied (naming the path) when it cannot be opened, and
  // InvalidArgument for a folder, and for a JSONL file that is one JSON
  // array (its first byte other than whitespace is '[', left open on its
  // line or followed by '{'), with a message saying how to convert it
  // (jq -c '.[]').
  static absl::StatusOr<std::unique_ptr<RecordReader>> Open(
      const std::string& path, const ReaderOptions& options);
  virtual ~RecordReader() = default;

  // Reads the next document into *record (kRecord), or describes a record
  // that could not be read in *rejection (kRejected; reading can go on), or
  // reports the end of the file (kEnd, after which it keeps returning kEnd).
  virtual Result Next(Record* record, Rejection* rejection) = 0;

  // For WARC files: records that are not documents (warcinfo, request,
  // metadata, ..., and responses whose payload is not text, such as images)
  // seen so far. Their raw bytes are returned by TakePassThrough so writers
  // can keep them (unless ReaderOptions::keep_pass_through is false); they
  // are not documents and are not counted as read.
  virtual uint64_t passed_through() const { return 0; }
  // Moves the raw bytes of the non-document records read since the last
  // call (in file order, all before the current record) into *out, one
  // string per record, so that a writer can compress each as its own gzip
  // member, as WARC tools expect.
  virtual void TakePassThrough(std::vector<std::string>* out) { out->clear(); }

  // JSONL: the field counts of the records read so far; null for other
  // formats.
  virtual const FieldCounts* field_counts() const { return nullptr; }

  // JSONL, for a pass that already knows on which lines the documents are
  // (a second pass over the file): reads the document on the 1-based line
  // `line`, which must come after every line read so far, skipping the
  // lines before it unparsed. With `parse`, *record is filled as Next fills
  // it; without, the line is not parsed either and only raw, line, offset
  // and format are filled (the other fields are empty, number NaN), so the
  // cost is that of finding the line ends. Returns kEnd when the file ends
  // before that line, kRejected when that line is not a document (blank,
  // too long, unreadable, rejected by the parse, or, unparsed, not
  // beginning with '{' and ending with '}' outside JSON whitespace), and
  // for other formats. The field counts count only the lines parsed.
  virtual Result ReadLineAt(uint64_t line, bool parse, Record* record,
                            Rejection* rejection);

  InputFormat format() const { return format_; }
  Compression compression() const { return compression_; }
  const std::string& path() const { return path_; }
  // True when the file can be read in ranges of its bytes on disk, each by
  // a reader with ReaderOptions::skip_before_offset at the range's start:
  // uncompressed JSONL (skip_before_offset counts decompressed bytes, and
  // only JSONL skips).
  bool reads_byte_ranges() const {
    return format_ == InputFormat::kJsonl && compression_ == Compression::kNone;
  }

 protected:
  RecordReader(std::string path, InputFormat format, Compression compression)
      : path_(std::move(path)), format_(format), compression_(compression) {}

 private:
  std::string path_;
  InputFormat format_;
  Compression compression_;
};

// How a RecordWriter does its work.
struct WriterOptions {
  // Compresses and writes on a thread of the writer's own (default false:
  // on the caller's thread). The caller's thread then only copies each
  // record into one of eight 1 MiB buffers and hands a full one over, so
  // that the compression and the system's copy into the page cache overlap
  // the caller's work; it waits only when all eight are in flight. A
  // second thread allocates the page cache of the file ahead of the
  // writes, as far ahead as the file is long, 2 to 16 MiB (Linux: new
  // page-cache pages are most of the cost of writing on a virtual machine
  // whose host reclaims free memory; the file grows by up to 16 MiB of
  // zeros while it is written, cut at Finish, so a disk that much short
  // of room fails that much sooner). The bytes of the file are the same
  // either way. An error of the writing thread (a full disk) is returned
  // by the caller's next Write, WriteLine, Finish or Commit, and by every
  // later one. Memory: up to 8 MiB more, touched as it is used.
  bool background = false;
};

// Writes records back, compressed as asked, to a temporary file next to
// `path` that Commit renames to `path`: a killed run never leaves a file
// that looks finished. Destroying an uncommitted writer removes the
// temporary file. Not thread-safe: one thread calls every member function
// (with WriterOptions::background the writer runs a thread of its own,
// which the destructor and Finish stop).
class RecordWriter {
 public:
  // Creates "<path>.tmp-<pid>". Returns an error naming the path when it
  // cannot be created.
  static absl::StatusOr<std::unique_ptr<RecordWriter>> Create(
      const std::string& path, InputFormat format, Compression compression,
      const WriterOptions& options = {});
  ~RecordWriter();

  // Appends bytes (for JSONL, the raw line; Write adds nothing: call
  // WriteLine for a line terminator). For WARC .gz output, each Write of a
  // whole record becomes one gzip member, as WARC tools expect. Errors
  // name the path ("writing PATH: No space left on device"); the first
  // one sticks: every later call returns it.
  absl::Status Write(std::string_view bytes);
  absl::Status WriteLine(std::string_view line);  // bytes + "\n"

  // Flushes, fsyncs and closes the temporary file without renaming it,
  // and frees the writer's buffers; later writes fail. For a job that
  // renames all its outputs together at its end: until Commit, the
  // destructor still removes the temporary file.
  absl::Status Finish();

  // Finish (when not done yet), then renames into place.
  absl::Status Commit();

  // The final path given to Create.
  const std::string& path() const;

 private:
  class Impl;
  explicit RecordWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes to *out the bytes of `record` with its document text replaced by
// `text` (the whole text: what Record::text and Record::text_rest held), in
// the record's own format, for a RecordWriter of that format; every other
// byte stays as read:
//   JSONL: the line (without "\n") with the text field's JSON string token
//          replaced by `text` as a JSON string (AppendJsonString);
//   WARC:  a conversion record (WET) with `text` as its block: its header
//          lines as read, each ended by CRLF, Content-Length set to the size
//          of `text`, then CRLF, `text` and CRLF CRLF;
//   text:  `text`.
// Returns FailedPrecondition for a record whose text is not its bytes and
// so cannot be replaced (a WARC response, whose text was taken from its
// HTTP payload): write it back as read instead. Returns
// InvalidArgument for a record that its format's reader cannot have
// produced (JSONL without a text token, WARC without the blank line after
// its headers). *out is replaced (its capacity reused); on an error it is
// left empty.
absl::Status ReplaceRecordText(const Record& record, std::string_view text,
                               std::string* out);

// Expands inputs into the list of files to read, in a deterministic order:
// files as given; folders recursively, their entries sorted by name (byte
// order), keeping files whose name has a known extension (.jsonl .ndjson
// .json .txt .text .warc .wet, each optionally .gz .zst .zstd). "-" stays
// "-". When `skipped` is not null, the files a folder walk left out for
// their name (.wat.gz, .bin, no extension, ...) are appended to it, in the
// same order. Returns NotFound naming the first path that does not exist.
absl::StatusOr<std::vector<std::string>> ExpandInputs(
    const std::vector<std::string>& inputs,
    std::vector<std::string>* skipped = nullptr);

// Writes `s` as a JSON string literal (with quotes) to *out: escapes '"',
// '\\' and control characters; other bytes pass through (invalid UTF-8 is
// replaced by U+FFFD so the output is always valid JSON).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace neardup

#endif  // NEARDUP_IO_H_
