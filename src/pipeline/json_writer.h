// Private: the one writer of the JSON the jobs output (removed.jsonl,
// clusters.jsonl, rejected.jsonl, edits.jsonl, signals.jsonl,
// line_counts.jsonl, JSONL text records, stats.json): one object on one
// line, members in the order written, no spaces, strings escaped by
// AppendJsonString and nowhere else, numbers in the format the caller names.

#ifndef NEARDUP_PIPELINE_JSON_WRITER_H_
#define NEARDUP_PIPELINE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup::internal {

// Builds one JSON object. Members are a Key followed by one value (a
// scalar, or an Object or Array closed by End); array elements are values
// without a Key. Commas go where they belong. Not thread-safe; reuse one
// writer (Clear) to keep its buffer.
//
//   JsonWriter j;
//   j.Key("id").String(id).Key("line").Uint(line).Key("similarity")
//       .Fixed(similarity, 4);
//   writer->WriteLine(j.Finish());  // {"id":"a","line":3,"similarity":0.8125}
class JsonWriter {
 public:
  // Starts an object.
  JsonWriter() { Clear(); }

  // Starts a new object, keeping the buffer.
  void Clear();

  // Writes the name of the next member. `name` is written as it is: a
  // name the program spells (letters, digits, '_', '.'), never input text.
  JsonWriter& Key(std::string_view name);

  // Values.
  JsonWriter& String(std::string_view value);  // escaped (AppendJsonString)
  JsonWriter& StringOrNull(std::string_view value);  // null when empty
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Int(int64_t value);
  // `value` with `decimals` digits after the point (printf "%.*f"); null
  // when it is NaN.
  JsonWriter& Fixed(double value, int decimals);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Opens an object or an array as the next value; End closes the
  // innermost one.
  JsonWriter& Object();
  JsonWriter& Array();
  JsonWriter& End();

  // Closes every open object and array and returns the line (without
  // "\n"). The writer then holds the finished line until Clear.
  const std::string& Finish();

 private:
  // Before a value: a comma when it is not the first of an array.
  void BeforeValue();

  std::string out_;
  // Per open object or array: whether it has a member or element yet, and
  // whether it is an array.
  std::vector<bool> has_item_;
  std::vector<bool> is_array_;
  bool after_key_ = false;
};

}  // namespace neardup::internal

#endif  // NEARDUP_PIPELINE_JSON_WRITER_H_
