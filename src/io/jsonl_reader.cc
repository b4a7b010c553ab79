// The JSONL reader.
//
// Rules (beyond io.h):
//  - Lines end at "\n"; a "\r" before it stays in Record::raw (JSON ignores
//    it as whitespace). Lines of JSON whitespace only are skipped without
//    being records, but still count for line numbers. A UTF-8 byte order
//    mark at the start of a line is ignored by the parser (kept in raw).
//  - Each line must be one JSON object and nothing after it. The whole line
//    is validated, not just the fields read: every key and string (escapes
//    included), number (JSON grammar; values beyond double range are
//    accepted), literal and bracket, nesting up to 1024 levels, and UTF-8.
//    "malformed JSON: <simdjson's message>" otherwise, or "invalid UTF-8 at
//    byte offset N of the line". A line that is no JSON value at all (it
//    does not start like one, or is a bare word such as "not json") is
//    "not JSON: the line starts with ..."; a JSON value that is not an
//    object ([1,2], 42) is "top-level JSON value is not an object (TYPE)".
//  - Duplicate keys: the first occurrence of a field wins; later ones are
//    validated and ignored (they stay in raw).
//  - text_field must be a string; id_field is a string (unescaped), an
//    integer or any other value (its JSON text, e.g. "42", "1.5", "null");
//    url_field is read when it is a string; number_field when it is a
//    number (else NaN).
//  - A line longer than min(4 GiB - 1, 8 x max_document_bytes + 1 MiB)
//    cannot be parsed by simdjson or cannot fit the text limit; it is
//    rejected without being held in memory (with Oversize::kTruncate too).
//
// Views: text and a string id point into the simdjson parser's string
// buffer; raw into the input's buffers; both are valid until the next call.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "io/readers.h"
#include "io/strings.h"
#include "neardup/io.h"
#include "neardup/text.h"
#include "simdjson.h"

namespace neardup::internal {
namespace {

namespace od = simdjson::ondemand;

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING);

constexpr int kMaxDepth = 1024;

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (!IsJsonSpace(c)) return false;
  }
  return true;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  return s;
}

// Whether `c` can start a JSON value.
bool StartsJsonValue(char c) {
  return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
         c == 't' || c == 'f' || c == 'n';
}

// The reason for a line that is no JSON value at all (prose, a log line).
std::string NotJsonReason(std::string_view trimmed) {
  constexpr const char* kExpected = " (JSON Lines holds one JSON object per line)";
  const size_t cut = Utf8CutPoint(trimmed, 40);
  const std::string_view preview = trimmed.substr(0, cut);
  bool printable = IsValidUtf8(preview);
  for (char c : preview) printable &= static_cast<unsigned char>(c) >= 0x20;
  if (!printable) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(trimmed[0]);
    const char hex[] = {kHex[byte >> 4], kHex[byte & 15], '\0'};
    return Cat("not JSON: the line starts with byte 0x", std::string_view(hex),
               kExpected);
  }
  return Cat("not JSON: the line starts with \"", preview,
             cut < trimmed.size() ? "...\"" : "\"", kExpected);
}

const char* TypeName(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "array";
    case od::json_type::object:
      return "object";
    case od::json_type::number:
      return "number";
    case od::json_type::string:
      return "string";
    case od::json_type::boolean:
      return "boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

// The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto digits = [&] {
    const size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

class JsonlReader final : public RecordReader {
 public:
  JsonlReader(std::string path, Compression compression,
              std::unique_ptr<BufferedInput> in, const ReaderOptions& options)
      : RecordReader(std::move(path), InputFormat::kJsonl, compression),
        in_(std::move(in)),
        options_(options) {
    const uint64_t limit = std::numeric_limits<uint64_t>::max() / 16;
    const uint64_t by_text =
        options_.max_document_bytes >= limit
            ? limit
            : uint64_t{8} * options_.max_document_bytes + (uint64_t{1} << 20);
    max_line_ = static_cast<size_t>(
        std::min<uint64_t>(by_text, simdjson::SIMDJSON_MAXSIZE_BYTES));
  }

  const FieldCounts* field_counts() const override { return &fields_; }

  Result Next(Record* record, Rejection* rejection) override {
    if (done_) return Result::kEnd;
    for (;;) {
      uint64_t offset = 0;
      std::string_view line;
      const BufferedInput::LineStatus status = NextLine(&offset, &line);
      if (status == BufferedInput::LineStatus::kEnd) return Result::kEnd;
      if (offset < options_.skip_before_offset &&
          status != BufferedInput::LineStatus::kError) {
        continue;
      }
      if (status == BufferedInput::LineStatus::kError) {
        done_ = true;
        return Reject(rejection, offset, std::string(in_->status().message()));
      }
      if (status == BufferedInput::LineStatus::kTooLong) {
        return Reject(rejection, offset,
                      Cat("line longer than ", max_line_, " bytes"));
      }
      if (IsBlank(line)) continue;
      std::string reason = Parse(line, record);
      if (!reason.empty()) return Reject(rejection, offset, std::move(reason));
      return Accept(line, offset, record);
    }
  }

  Result ReadLineAt(uint64_t wanted, bool parse, Record* record,
                    Rejection* rejection) override {
    if (done_) return Result::kEnd;
    if (wanted <= line_number_) {
      const Result result = Reject(rejection, in_->offset(),
                                   Cat("line ", wanted, " was read already"));
      rejection->line = wanted;
      return result;
    }
    for (;;) {
      uint64_t offset = 0;
      std::string_view line;
      const BufferedInput::LineStatus status = NextLine(&offset, &line);
      if (status == BufferedInput::LineStatus::kEnd) return Result::kEnd;
      if (status == BufferedInput::LineStatus::kError) {
        done_ = true;
        return Reject(rejection, offset, std::string(in_->status().message()));
      }
      if (line_number_ < wanted) continue;
      if (status == BufferedInput::LineStatus::kTooLong) {
        return Reject(rejection, offset,
                      Cat("line longer than ", max_line_, " bytes"));
      }
      if (parse) {
        if (IsBlank(line)) return Reject(rejection, offset, "blank line");
        std::string reason = Parse(line, record);
        if (!reason.empty())
          return Reject(rejection, offset, std::move(reason));
      } else {
        std::string_view json = line;
        if (json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);
        json = TrimRight(TrimLeft(json));
        if (json.empty() || json.front() != '{' || json.back() != '}') {
          return Reject(rejection, offset, "not a JSON object");
        }
        *record = Record();
        record->number = std::numeric_limits<double>::quiet_NaN();
      }
      return Accept(line, offset, record);
    }
  }

 private:
  // Reads the next line into *line and where it begins into *offset:
  // kEnd (and done_) at the end; else the line is counted.
  BufferedInput::LineStatus NextLine(uint64_t* offset, std::string_view* line) {
    *offset = in_->offset();
    bool terminated = false;
    const BufferedInput::LineStatus status =
        in_->ReadLine(max_line_, line, &terminated);
    if (status == BufferedInput::LineStatus::kEnd) {
      done_ = true;
    } else {
      ++line_number_;
    }
    return status;
  }

  // The document on the line just read, at `offset`.
  Result Accept(std::string_view line, uint64_t offset, Record* record) {
    record->raw = line;
    record->format = InputFormat::kJsonl;
    record->line = line_number_;
    record->offset = offset;
    return Result::kRecord;
  }

  Result Reject(Rejection* rejection, uint64_t offset, std::string reason) {
    rejection->file = path();
    rejection->line = line_number_;
    rejection->offset = offset;
    rejection->reason = std::move(reason);
    return Result::kRejected;
  }

  std::string ErrorReason(simdjson::error_code error, std::string_view line) {
    if (error == simdjson::UTF8_ERROR) {
      return Cat("invalid UTF-8 at byte offset ", FindInvalidUtf8(line),
                 " of the line");
    }
    return Cat("malformed JSON: ", simdjson::error_message(error));
  }

  // Checks a value the reader does not use, all the way down. Returns an
  // empty string, or the reason the line is rejected.
  std::string Validate(od::value value, int depth, std::string_view line) {
    if (depth > kMaxDepth) {
      return Cat("malformed JSON: nested deeper than ", kMaxDepth, " levels");
    }
    od::json_type type;
    if (auto error = value.type().get(type)) return ErrorReason(error, line);
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto error = value.get_object().get(object)) {
          return ErrorReason(error, line);
        }
        for (auto field : object) {
          std::string_view key;
          if (auto error = field.unescaped_key().get(key)) {
            return ErrorReason(error, line);
          }
          od::value child;
          if (auto error = field.value().get(child)) {
            return ErrorReason(error, line);
          }
          std::string reason = Validate(child, depth + 1, line);
          if (!reason.empty()) return reason;
        }
        return std::string();
      }
      case od::json_type::array: {
        od::array array;
        if (auto error = value.get_array().get(array)) {
          return ErrorReason(error, line);
        }
        for (auto element : array) {
          od::value child;
          if (auto error = element.get(child)) return ErrorReason(error, line);
          std::string reason = Validate(child, depth + 1, line);
          if (!reason.empty()) return reason;
        }
        return std::string();
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto error = value.get_string().get(s)) {
          return ErrorReason(error, line);
        }
        return std::string();
      }
      case od::json_type::number:
      case od::json_type::boolean:
      case od::json_type::null:
        return CheckScalar(type, TrimRight(value.raw_json_token()));
    }
    return std::string();
  }

  static std::string CheckScalar(od::json_type type, std::string_view token) {
    bool ok;
    if (type == od::json_type::number) {
      ok = IsJsonNumber(token);
    } else if (type == od::json_type::boolean) {
      ok = token == "true" || token == "false";
    } else {
      ok = token == "null";
    }
    if (ok) return std::string();
    return Cat("malformed JSON: invalid ", TypeName(type), " \"",
               token.substr(0, 40), "\"");
  }

  // The fields of a line's object that the options name, as Parse finds
  // them.
  struct Found {
    bool have_text = false, have_id = false, have_url = false,
         have_number = false;
    const char* text_type = nullptr;  // the type of a non-string text field
    std::string_view text, id, url;
    size_t text_token_begin = 0, text_token_end = 0;
    double number = std::numeric_limits<double>::quiet_NaN();
  };

  // Starts parsing `json` (the line `line` without a byte order mark) into
  // *doc, and returns the reason the line is rejected when it is not JSON
  // or not one object, else an empty string with *object its object.
  std::string OpenObject(std::string_view line, std::string_view json,
                         od::document* doc, od::object* object) {
    const std::string_view trimmed = TrimRight(TrimLeft(json));
    if (!trimmed.empty() && !StartsJsonValue(trimmed.front())) {
      return NotJsonReason(trimmed);
    }
    // The input guarantees kJsonPadding readable bytes after every line.
    if (auto error = parser_
                         .iterate(json.data(), json.size(),
                                  json.size() + simdjson::SIMDJSON_PADDING)
                         .get(*doc)) {
      return ErrorReason(error, line);
    }
    od::json_type type;
    if (auto error = doc->type().get(type)) return ErrorReason(error, line);
    if (type != od::json_type::object) {
      // simdjson types a line by its first byte: "not json" is a null to
      // it, "12 apples" a number.
      const bool scalar = type == od::json_type::number ||
                          type == od::json_type::boolean ||
                          type == od::json_type::null;
      if (scalar && !CheckScalar(type, trimmed).empty()) {
        return NotJsonReason(trimmed);
      }
      return Cat("top-level JSON value is not an object (", TypeName(type),
                 ")");
    }
    if (auto error = doc->get_object().get(*object)) {
      return ErrorReason(error, line);
    }
    return std::string();
  }

  // Counts the fields found, checks the text field, cuts an oversized text
  // (Oversize::kTruncate) and fills *record (all but raw, line, offset).
  // Returns an empty string, or the reason the line is rejected.
  std::string FillRecord(Found f, bool want_number, Record* record) {
    ++fields_.objects;
    fields_.missing_text += !f.have_text;
    fields_.missing_id += !f.have_id;
    fields_.missing_number += want_number && !f.have_number;
    if (!f.have_text) {
      return Cat("no \"", options_.text_field, "\" field");
    }
    if (f.text_type != nullptr) {
      return Cat("field \"", options_.text_field, "\" is not a string (",
                 f.text_type, ")");
    }
    std::string_view rest;
    if (f.text.size() > options_.max_document_bytes) {
      if (options_.oversize == Oversize::kReject) {
        return Cat("document larger than max_document_bytes (", f.text.size(),
                   " > ", options_.max_document_bytes, ")");
      }
      const size_t cut = Utf8CutPoint(f.text, options_.max_document_bytes);
      rest = f.text.substr(cut);
      f.text = f.text.substr(0, cut);
    }
    if (!f.have_id) {
      id_buffer_ = Cat(path(), ":", line_number_);
      f.id = id_buffer_;
    }
    record->text = f.text;
    record->text_rest = rest;
    record->text_token_begin = f.text_token_begin;
    record->text_token_end = f.text_token_end;
    record->id = f.id;
    record->url = f.url;
    record->date = std::string_view();
    record->number = f.number;
    return std::string();
  }

  // Parses one non-blank line into *record (all but raw, line, offset).
  // Returns an empty string, or the reason the line is rejected.
  std::string Parse(std::string_view line, Record* record) {
    std::string_view json = line;
    if (json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);
    od::document doc;
    od::object object;
    if (std::string reason = OpenObject(line, json, &doc, &object);
        !reason.empty()) {
      return reason;
    }
    Found f;
    const bool want_number = !options_.number_field.empty();

    const bool note_keys = fields_.objects < kKeyedObjects;
    for (auto field : object) {
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) {
        return ErrorReason(error, line);
      }
      if (note_keys && fields_.first_keys.size() < kMaxKeys &&
          std::find(fields_.first_keys.begin(), fields_.first_keys.end(),
                    key) == fields_.first_keys.end()) {
        fields_.first_keys.emplace_back(key);
      }
      od::value value;
      if (auto error = field.value().get(value))
        return ErrorReason(error, line);
      const bool is_text = !f.have_text && key == options_.text_field;
      const bool is_id = !f.have_id && key == options_.id_field;
      const bool is_url = !f.have_url && key == options_.url_field;
      const bool is_number =
          want_number && !f.have_number && key == options_.number_field;
      f.have_text |= is_text;
      f.have_id |= is_id;
      f.have_url |= is_url;
      f.have_number |= is_number;
      if (!(is_text || is_id || is_url || is_number)) {
        std::string reason = Validate(value, 2, line);
        if (!reason.empty()) return reason;
        continue;
      }
      od::json_type value_type;
      if (auto error = value.type().get(value_type)) {
        return ErrorReason(error, line);
      }
      if (is_text && value_type != od::json_type::string) {
        f.text_type = TypeName(value_type);
      }
      switch (value_type) {
        case od::json_type::string: {
          if (is_text) {
            // Where the text's JSON string sits in the line, quotes
            // included, so that a writer can replace it alone.
            const std::string_view token = TrimRight(value.raw_json_token());
            f.text_token_begin =
                static_cast<size_t>(token.data() - line.data());
            f.text_token_end = f.text_token_begin + token.size();
          }
          std::string_view s;
          if (auto error = value.get_string().get(s)) {
            return ErrorReason(error, line);
          }
          if (is_text) f.text = s;
          if (is_id) f.id = s;
          if (is_url) f.url = s;
          break;
        }
        case od::json_type::number:
        case od::json_type::boolean:
        case od::json_type::null: {
          const std::string_view token = TrimRight(value.raw_json_token());
          std::string reason = CheckScalar(value_type, token);
          if (!reason.empty()) return reason;
          if (is_id) f.id = token;
          if (is_number && value_type == od::json_type::number) {
            double d;
            auto [end, ec] =
                std::from_chars(token.data(), token.data() + token.size(), d);
            if (ec == std::errc() && end == token.data() + token.size()) {
              f.number = d;
            }
          }
          break;
        }
        case od::json_type::object:
        case od::json_type::array: {
          // The id is the value's JSON text: from its first byte to the
          // token after it, once validation has walked past it.
          const char* begin = value.raw_json_token().data();
          std::string reason = Validate(value, 2, line);
          if (!reason.empty()) return reason;
          if (is_id) {
            const char* end = json.data() + json.size();
            const char* next;
            if (doc.current_location().get(next) == simdjson::SUCCESS) {
              end = next;
            }
            f.id = TrimRight(std::string_view(begin, end - begin));
          }
          break;
        }
      }
    }
    const char* trailing;
    if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
      return "malformed JSON: content after the top-level object";
    }

    return FillRecord(f, want_number, record);
  }

  static constexpr uint64_t kKeyedObjects = 8;
  static constexpr size_t kMaxKeys = 64;

  std::unique_ptr<BufferedInput> in_;
  ReaderOptions options_;
  FieldCounts fields_;
  od::parser parser_;
  size_t max_line_;
  uint64_t line_number_ = 0;
  bool done_ = false;
  std::string id_buffer_;
};

}  // namespace

std::unique_ptr<RecordReader> NewJsonlReader(std::string path,
                                             Compression compression,
                                             std::unique_ptr<BufferedInput> in,
                                             const ReaderOptions& options) {
  return std::make_unique<JsonlReader>(std::move(path), compression,
                                       std::move(in), options);
}

}  // namespace neardup::internal
