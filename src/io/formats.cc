// Names and detection of formats and compressions, and ExpandInputs.

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "io/strings.h"
#include "neardup/io.h"

namespace neardup {
namespace {

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s.remove_prefix(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

// Removes one compression suffix (.gz, .zst, .zstd), any case.
std::string_view StripCompressionSuffix(std::string_view name) {
  for (std::string_view suffix : {".gz", ".zst", ".zstd"}) {
    if (EndsWithNoCase(name, suffix)) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  return name;
}

enum class NameKind { kJsonl, kWarc, kText, kUnknown };

NameKind KindFromName(std::string_view path) {
  const std::string_view name = StripCompressionSuffix(path);
  for (std::string_view ext : {".jsonl", ".ndjson", ".json"}) {
    if (EndsWithNoCase(name, ext)) return NameKind::kJsonl;
  }
  for (std::string_view ext : {".warc", ".wet"}) {
    if (EndsWithNoCase(name, ext)) return NameKind::kWarc;
  }
  for (std::string_view ext : {".txt", ".text"}) {
    if (EndsWithNoCase(name, ext)) return NameKind::kText;
  }
  return NameKind::kUnknown;
}

std::string Join(const std::string& folder, const std::string& name) {
  if (!folder.empty() && folder.back() == '/') return folder + name;
  return internal::Cat(folder, "/", name);
}

// Appends the files under `folder` with known extensions to *out, and the
// others to *skipped (when not null), entries sorted by name in byte order,
// depth first. `active` holds the (device, inode) of the folders being
// expanded, so that a symbolic link loop is not followed.
absl::Status ExpandFolder(const std::string& folder,
                          std::set<std::pair<dev_t, ino_t>>* active,
                          std::vector<std::string>* out,
                          std::vector<std::string>* skipped) {
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return absl::ErrnoToStatus(errno, folder);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  const int read_errno = errno;
  closedir(dir);
  if (read_errno != 0) return absl::ErrnoToStatus(read_errno, folder);
  std::sort(names.begin(), names.end());  // std::string compares as bytes
  for (const std::string& name : names) {
    const std::string path = Join(folder, name);
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // a dangling symbolic link
      return absl::ErrnoToStatus(errno, path);
    }
    if (S_ISDIR(st.st_mode)) {
      const auto key = std::make_pair(st.st_dev, st.st_ino);
      if (!active->insert(key).second) continue;  // a loop
      absl::Status status = ExpandFolder(path, active, out, skipped);
      active->erase(key);
      if (!status.ok()) return status;
    } else if (KindFromName(name) != NameKind::kUnknown) {
      out->push_back(path);
    } else if (skipped != nullptr) {
      skipped->push_back(path);
    }
  }
  return absl::OkStatus();
}

}  // namespace

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "none";
}

const char* InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kJsonl:
      return "jsonl";
    case InputFormat::kText:
      return "text";
    case InputFormat::kWarc:
      return "warc";
  }
  return "text";
}

Compression DetectCompression(std::string_view first_bytes) {
  if (first_bytes.size() >= 2 && first_bytes[0] == '\x1F' &&
      first_bytes[1] == '\x8B') {
    return Compression::kGzip;
  }
  if (first_bytes.size() >= 4 &&
      first_bytes.substr(0, 4) == "\x28\xB5\x2F\xFD") {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

InputFormat DetectFormat(std::string_view path,
                         std::string_view first_decompressed_bytes) {
  switch (KindFromName(path)) {
    case NameKind::kJsonl:
      return InputFormat::kJsonl;
    case NameKind::kWarc:
      return InputFormat::kWarc;
    case NameKind::kText:
      return InputFormat::kText;
    case NameKind::kUnknown:
      break;
  }
  if (first_decompressed_bytes.substr(0, 5) == "WARC/")
    return InputFormat::kWarc;
  if (!first_decompressed_bytes.empty() && first_decompressed_bytes[0] == '{') {
    return InputFormat::kJsonl;
  }
  return InputFormat::kText;
}

absl::StatusOr<std::vector<std::string>> ExpandInputs(
    const std::vector<std::string>& inputs, std::vector<std::string>* skipped) {
  std::vector<std::string> out;
  for (const std::string& input : inputs) {
    if (input == "-") {
      out.push_back(input);
      continue;
    }
    struct stat st;
    if (stat(input.c_str(), &st) != 0) return absl::ErrnoToStatus(errno, input);
    if (!S_ISDIR(st.st_mode)) {
      out.push_back(input);
      continue;
    }
    std::set<std::pair<dev_t, ino_t>> active = {{st.st_dev, st.st_ino}};
    absl::Status status = ExpandFolder(input, &active, &out, skipped);
    if (!status.ok()) return status;
  }
  return out;
}

}  // namespace neardup
