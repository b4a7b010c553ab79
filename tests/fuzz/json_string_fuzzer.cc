// Fuzz target: AppendJsonString, which writes every id, path and reason in
// neardup's JSONL outputs. Any bytes must give one valid JSON string that
// parses back to the bytes (invalid UTF-8 repaired to U+FFFD).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "neardup/io.h"
#include "neardup/text.h"
#include "simdjson.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string json = "{\"s\":";
  neardup::AppendJsonString(bytes, &json);
  json += "}";
  FUZZ_CHECK(json.find('\n') == std::string::npos);
  simdjson::padded_string padded(json);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  FUZZ_CHECK(parser.iterate(padded).get(doc) == simdjson::SUCCESS);
  std::string_view s;
  FUZZ_CHECK(doc["s"].get_string().get(s) == simdjson::SUCCESS);
  std::string repaired;
  neardup::RepairUtf8(bytes, &repaired);
  FUZZ_CHECK(s == repaired);
  return 0;
}
