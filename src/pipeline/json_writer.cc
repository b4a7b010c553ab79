#include "pipeline/json_writer.h"

#include <cmath>
#include <cstdio>

#include "neardup/io.h"

namespace neardup::internal {

void JsonWriter::Clear() {
  out_.clear();
  out_ += '{';
  has_item_.assign(1, false);
  is_array_.assign(1, false);
  after_key_ = false;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  // An array element.
  if (!has_item_.empty()) {
    if (has_item_.back()) out_ += ',';
    has_item_.back() = true;
  }
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  if (has_item_.back()) out_ += ',';
  has_item_.back() = true;
  out_ += '"';
  out_.append(name);
  out_ += "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(value, &out_);
  return *this;
}

JsonWriter& JsonWriter::StringOrNull(std::string_view value) {
  return value.empty() ? Null() : String(value);
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Fixed(double value, int decimals) {
  BeforeValue();
  if (std::isnan(value)) {
    out_ += "null";
    return *this;
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Object() {
  BeforeValue();
  out_ += '{';
  has_item_.push_back(false);
  is_array_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::Array() {
  BeforeValue();
  out_ += '[';
  has_item_.push_back(false);
  is_array_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::End() {
  if (has_item_.empty()) return *this;
  out_ += is_array_.back() ? ']' : '}';
  has_item_.pop_back();
  is_array_.pop_back();
  return *this;
}

const std::string& JsonWriter::Finish() {
  while (!has_item_.empty()) End();
  return out_;
}

}  // namespace neardup::internal
