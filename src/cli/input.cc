// LineChunkReader: line-aligned chunked reading of a file or stdin with
// bounded memory (chunk size plus the longest allowed line).
#include "cli/input.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "cli/flags.h"

namespace strata::cli {

absl::StatusOr<std::unique_ptr<LineChunkReader>> LineChunkReader::Open(
    const std::string& path, size_t chunk_bytes, size_t max_line_bytes) {
  FILE* f = stdin;
  bool owned = false;
  std::string name = "stdin";
  if (path != "-") {
    f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      const int err = errno;
      std::string msg =
          absl::StrFormat("cannot open %s: %s", path, std::strerror(err));
      if (err == ENOENT) return absl::NotFoundError(msg);
      return absl::UnavailableError(msg);
    }
    owned = true;
    name = path;
  }
  auto r = std::unique_ptr<LineChunkReader>(new LineChunkReader(
      f, owned, std::move(name), chunk_bytes, max_line_bytes));
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s is a directory, not a file", path));
    }
    if (S_ISREG(st.st_mode)) {
      r->total_ = static_cast<uint64_t>(st.st_size);
      r->rewindable_ = true;
    }
  }
  return r;
}

LineChunkReader::LineChunkReader(FILE* f, bool owned, std::string name,
                                 size_t chunk_bytes, size_t max_line_bytes)
    : file_(f),
      owned_(owned),
      name_(std::move(name)),
      chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
      max_line_bytes_(std::max<size_t>(max_line_bytes, 1)) {}

LineChunkReader::~LineChunkReader() {
  if (owned_) std::fclose(file_);
}

bool LineChunkReader::Fill(size_t n) {
  if (eof_) return false;
  const size_t old = buf_.size();
  buf_.resize(old + n);
  const size_t got = std::fread(buf_.data() + old, 1, n, file_);
  buf_.resize(old + got);
  if (got < n) {
    if (std::ferror(file_)) {
      status_ = absl::UnavailableError(
          absl::StrFormat("reading %s: %s", name_, std::strerror(errno)));
    }
    eof_ = true;
  }
  return got > 0;
}

bool LineChunkReader::Next(std::string_view* chunk, uint64_t* first_line) {
  if (!status_.ok()) return false;
  // Drop what the previous chunk handed out.
  buf_.erase(0, buf_pos_);
  buf_pos_ = 0;
  while (buf_.size() < chunk_bytes_ && Fill(chunk_bytes_ - buf_.size())) {
  }
  if (!status_.ok()) return false;
  if (buf_.empty()) return false;
  size_t end = buf_.rfind('\n');
  // No line end yet: read on until one appears, within the line limit.
  while (end == std::string::npos && !eof_) {
    if (buf_.size() > max_line_bytes_) {
      status_ = absl::InvalidArgumentError(
          absl::StrFormat("%s: line %d is longer than %d bytes", name_,
                          next_line_, max_line_bytes_));
      return false;
    }
    const size_t scan_from = buf_.size();
    if (!Fill(std::min<size_t>(chunk_bytes_, 1 << 20))) break;
    const size_t nl = buf_.find('\n', scan_from);
    if (nl != std::string::npos) end = nl;
  }
  if (!status_.ok()) return false;
  // At EOF everything left is handed out (its last line may lack '\n').
  const size_t len = eof_ ? buf_.size() : end + 1;
  *chunk = std::string_view(buf_.data(), len);
  *first_line = next_line_;
  next_line_ += CountLines(*chunk);
  consumed_ += len;
  buf_pos_ = len;
  return true;
}

absl::Status LineChunkReader::Rewind() {
  if (!rewindable_) {
    return absl::FailedPreconditionError(name_ + " cannot be rewound");
  }
  if (std::fseek(file_, 0, SEEK_SET) != 0) {
    return absl::UnavailableError(
        absl::StrFormat("seeking %s: %s", name_, std::strerror(errno)));
  }
  std::clearerr(file_);
  buf_.clear();
  buf_pos_ = 0;
  eof_ = false;
  consumed_ = 0;
  next_line_ = 1;
  status_ = absl::OkStatus();
  return absl::OkStatus();
}

uint64_t CountLines(std::string_view s) {
  return static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string RebaseLineNumber(std::string_view message, uint64_t base) {
  constexpr std::string_view kPrefix = "line ";
  if (base <= 1 || message.substr(0, kPrefix.size()) != kPrefix) {
    return std::string(message);
  }
  size_t digits = 0;
  while (kPrefix.size() + digits < message.size() &&
         message[kPrefix.size() + digits] >= '0' &&
         message[kPrefix.size() + digits] <= '9') {
    ++digits;
  }
  uint64_t line = 0;
  if (digits == 0 ||
      !ParseUint64(message.substr(kPrefix.size(), digits), &line)) {
    return std::string(message);
  }
  return absl::StrFormat("line %d%s", line + base - 1,
                         message.substr(kPrefix.size() + digits));
}

}  // namespace strata::cli
