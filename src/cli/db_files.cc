// DB directory inspection helpers shared by `strata dump` and `strata
// check`. Everything reads through Env::Default() and the LSM's own
// readers, which bound every length by the file size.
#include "cli/db_files.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "cli/output.h"
#include "lsm/dbformat.h"
#include "lsm/filename.h"
#include "lsm/log_reader.h"
#include "strata/env.h"

namespace strata::cli {

absl::StatusOr<DbFiles> ListDbFiles(const std::string& dir) {
  Env* env = Env::Default();
  auto children = env->GetChildren(dir);
  if (!children.ok()) {
    if (absl::IsNotFound(children.status())) {
      return absl::NotFoundError(
          absl::StrFormat("no database directory %s", dir));
    }
    return children.status();
  }
  std::vector<std::pair<uint64_t, std::string>> ssts, logs;
  for (const std::string& name : *children) {
    uint64_t number = 0;
    FileType type;
    if (!ParseFileName(name, &number, &type)) continue;
    if (type == FileType::kTable) ssts.emplace_back(number, name);
    if (type == FileType::kLog) logs.emplace_back(number, name);
  }
  std::sort(ssts.begin(), ssts.end());
  std::sort(logs.begin(), logs.end());
  DbFiles files;
  for (const auto& [n, name] : ssts) files.ssts.push_back(dir + "/" + name);
  for (const auto& [n, name] : logs) files.logs.push_back(dir + "/" + name);

  const std::string current = CurrentFileName(dir);
  if (!env->FileExists(current)) {
    files.current_status =
        absl::NotFoundError(absl::StrFormat("%s is missing", current));
    return files;
  }
  auto text = ReadFileToString(env, current);
  if (!text.ok()) {
    files.current_status = text.status();
    return files;
  }
  std::string name = *text;
  if (name.size() > 256 || name.empty() || name.back() != '\n' ||
      name.rfind("MANIFEST-", 0) != 0 || name.find('/') != std::string::npos) {
    files.current_status = absl::DataLossError(absl::StrFormat(
        "corruption in %s at offset 0: does not name a manifest", current));
    return files;
  }
  name.pop_back();
  files.current_manifest = dir + "/" + name;
  return files;
}

absl::StatusOr<std::shared_ptr<Table>> OpenTableFile(const std::string& path) {
  Env* env = Env::Default();
  auto size = env->GetFileSize(path);
  if (!size.ok()) return size.status();
  auto file = env->NewRandomAccessFile(path);
  if (!file.ok()) return file.status();
  uint64_t number = 0;
  FileType type;
  if (!ParseFileName(BaseName(path), &number, &type)) number = 0;
  return Table::Open(std::move(*file), *size, path, number, nullptr, nullptr);
}

LogScan ScanLog(
    const std::string& path, std::string_view magic,
    const std::function<absl::Status(uint64_t, std::string_view)>& fn) {
  LogScan scan;
  Env* env = Env::Default();
  auto size = env->GetFileSize(path);
  if (!size.ok()) {
    scan.status = size.status();
    return scan;
  }
  auto file = env->NewSequentialFile(path);
  if (!file.ok()) {
    scan.status = file.status();
    return scan;
  }
  LogReader reader(std::move(*file), path, *size);
  scan.status = reader.ReadHeader(magic, &scan.log_number);
  if (!scan.status.ok()) return scan;
  std::string_view payload;
  std::string scratch;
  while (reader.ReadRecord(&payload, &scratch)) {
    ++scan.records;
    absl::Status s = fn(reader.last_record_offset(), payload);
    if (!s.ok()) {
      scan.status = s;
      return scan;
    }
  }
  scan.status = reader.status();
  scan.torn = reader.torn_tail();
  scan.torn_offset = reader.torn_offset();
  return scan;
}

std::string DescribeInternalKey(std::string_view ikey) {
  ParsedInternalKey k;
  if (!ParseInternalKey(ikey, &k)) {
    return "'" + EscapeBytes(ikey) + "' (malformed internal key)";
  }
  return absl::StrFormat("'%s' @%d #%d %s", EscapeBytes(k.user_key), k.ts,
                         k.seq, k.kind == ValueKind::kPut ? "put" : "del");
}

std::string DescribeValue(std::string_view value, size_t max_bytes) {
  const bool cut = max_bytes > 0 && value.size() > max_bytes;
  std::string_view shown = cut ? value.substr(0, max_bytes) : value;
  const bool printable = std::all_of(shown.begin(), shown.end(), [](char c) {
    return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n';
  });
  std::string out;
  if (printable) {
    out = "'" + EscapeBytes(shown) + "'";
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    out = "0x";
    for (char c : shown) {
      out += kHex[static_cast<uint8_t>(c) >> 4];
      out += kHex[static_cast<uint8_t>(c) & 0xF];
    }
  }
  if (cut) out += absl::StrFormat("... (%d bytes)", value.size());
  return out;
}

std::string DescribeExpire(int64_t expire_at) {
  if (expire_at == kNeverExpires) return "never";
  return absl::StrFormat("%d", expire_at);
}

std::string BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

std::string DamageLine(std::string_view file, const absl::Status& s) {
  std::string msg(s.message());
  constexpr std::string_view kPrefix = "corruption in ";
  const size_t at = msg.find(kPrefix);
  if (at != std::string::npos &&
      msg.find(" at offset ", at) != std::string::npos) {
    return msg.substr(at + kPrefix.size());
  }
  return absl::StrFormat("%s: %s", file, msg);
}

}  // namespace strata::cli
