#include "lsm/filename.h"

#include "absl/strings/str_format.h"

namespace strata {
namespace {

std::string Numbered(std::string_view dir, uint64_t n, const char* suffix) {
  return absl::StrFormat("%s/%06d.%s", dir, n, suffix);
}

bool ParseNumber(std::string_view s, uint64_t* n) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *n = v;
  return true;
}

}  // namespace

std::string LogFileName(std::string_view dir, uint64_t number) {
  return Numbered(dir, number, "log");
}
std::string TableFileName(std::string_view dir, uint64_t number) {
  return Numbered(dir, number, "sst");
}
std::string TempFileName(std::string_view dir, uint64_t number) {
  return Numbered(dir, number, "tmp");
}
std::string ManifestFileName(std::string_view dir, uint64_t number) {
  return absl::StrFormat("%s/MANIFEST-%06d", dir, number);
}
std::string CurrentFileName(std::string_view dir) {
  return absl::StrFormat("%s/CURRENT", dir);
}
std::string LockFileName(std::string_view dir) {
  return absl::StrFormat("%s/LOCK", dir);
}

bool ParseFileName(std::string_view name, uint64_t* number, FileType* type) {
  if (name == "CURRENT") {
    *number = 0;
    *type = FileType::kCurrent;
    return true;
  }
  if (name == "LOCK") {
    *number = 0;
    *type = FileType::kLock;
    return true;
  }
  if (name.size() > 4 && name.ends_with(".tmp")) {
    *number = 0;
    *type = FileType::kTemp;
    return true;
  }
  if (name.starts_with("MANIFEST-")) {
    *type = FileType::kManifest;
    return ParseNumber(name.substr(9), number);
  }
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view suffix = name.substr(dot + 1);
  if (suffix == "log") {
    *type = FileType::kLog;
  } else if (suffix == "sst") {
    *type = FileType::kTable;
  } else {
    return false;
  }
  return ParseNumber(name.substr(0, dot), number);
}

}  // namespace strata
