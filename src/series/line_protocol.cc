// Line protocol driver: splits the input into lines, skips blank lines and
// comments, enforces the line length limit, hands each line to the
// LineScanner and turns its faults into "line L, column C" errors.
#include "series/line_protocol.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/lp_scan.h"

namespace strata {

absl::StatusOr<Precision> ParsePrecision(std::string_view name) {
  if (name == "ns" || name == "n") return Precision::kNanoseconds;
  if (name == "us" || name == "u") return Precision::kMicroseconds;
  if (name == "ms") return Precision::kMilliseconds;
  if (name == "s") return Precision::kSeconds;
  return absl::InvalidArgumentError(
      absl::StrFormat("unknown precision \"%s\" (want ns, us, ms or s)", name));
}

int64_t PrecisionMultiplier(Precision p) {
  switch (p) {
    case Precision::kNanoseconds:
      return 1;
    case Precision::kMicroseconds:
      return 1'000;
    case Precision::kMilliseconds:
      return 1'000'000;
    case Precision::kSeconds:
      return 1'000'000'000;
  }
  return 1;
}

absl::Status LineProtocolError::ToStatus() const {
  return absl::InvalidArgumentError(
      absl::StrFormat("line %d, column %d: %s", line, column, reason));
}

LineProtocolParser::LineProtocolParser(std::string_view input,
                                       const LineProtocolOptions& options)
    : input_(input),
      options_(options),
      scanner_(std::make_unique<lp_internal::LineScanner>(options)) {}

LineProtocolParser::~LineProtocolParser() = default;

absl::Status LineProtocolParser::status() const {
  if (options_.skip_invalid || errors_.empty()) return absl::OkStatus();
  return errors_.front().ToStatus();
}

bool LineProtocolParser::Reject(size_t column, std::string reason) {
  ++error_count_;
  if (!options_.skip_invalid) {
    errors_.push_back(LineProtocolError{line_, column, std::move(reason)});
    done_ = true;
    return false;
  }
  if (errors_.size() < options_.max_errors) {
    errors_.push_back(LineProtocolError{line_, column, std::move(reason)});
  }
  return true;
}

bool LineProtocolParser::Next(ParsedPoint* out) {
  const char* const base = input_.data();
  const size_t size = input_.size();
  while (!done_ && pos_ < size) {
    const size_t start = pos_;
    const void* nl = std::memchr(base + start, '\n', size - start);
    const size_t end =
        nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - base)
                      : size;
    pos_ = nl != nullptr ? end + 1 : size;
    ++line_;
    std::string_view line(base + start, end - start);
    if (line.size() > options_.max_line_bytes) {
      if (!Reject(options_.max_line_bytes + 1,
                  absl::StrFormat("line longer than %d bytes",
                                  options_.max_line_bytes))) {
        return false;
      }
      continue;
    }
    // Trailing blanks and the '\r' of CRLF are not part of the point; no
    // valid line ends in an element that could contain them.
    size_t len = line.size();
    while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
                       line[len - 1] == '\r')) {
      --len;
    }
    line = line.substr(0, len);
    size_t first = 0;
    while (first < len && (line[first] == ' ' || line[first] == '\t')) {
      ++first;
    }
    if (first == len || line[first] == '#') continue;

    lp_internal::LineFault fault;
    if (scanner_->ParseLine(line, first, out, &fault)) {
      out->line = line_;
      return true;
    }
    if (!Reject(fault.offset + 1, std::move(fault.reason))) return false;
  }
  done_ = true;
  return false;
}

ParsedBatch ParseAll(std::string_view input,
                     const LineProtocolOptions& options) {
  ParsedBatch batch;
  LineProtocolParser parser(input, options);
  ParsedPoint point;
  while (parser.Next(&point)) batch.points.push_back(point.ToPoint());
  batch.errors = parser.errors();
  batch.error_count = parser.error_count();
  return batch;
}

}  // namespace strata
