// Reads a command's input (a file, or stdin for "-") in chunks of whole
// lines, so `write` and `docs import` stream inputs of any size in bounded
// memory and can name absolute line numbers in errors. Regular files can be
// rewound for a validation pass before anything is written.
#ifndef STRATA_CLI_INPUT_H_
#define STRATA_CLI_INPUT_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::cli {

class LineChunkReader {
 public:
  // chunk_bytes: target chunk size; max_line_bytes: longest line accepted
  // (a longer one is an InvalidArgument naming its line).
  static absl::StatusOr<std::unique_ptr<LineChunkReader>> Open(
      const std::string& path, size_t chunk_bytes = 4 << 20,
      size_t max_line_bytes = 32 << 20);
  ~LineChunkReader();
  LineChunkReader(const LineChunkReader&) = delete;
  LineChunkReader& operator=(const LineChunkReader&) = delete;

  // The next run of whole lines (the last may lack its '\n'); first_line is
  // the 1-based number of its first line. False at the end or on an error.
  bool Next(std::string_view* chunk, uint64_t* first_line);
  absl::Status status() const { return status_; }

  uint64_t bytes_consumed() const { return consumed_; }
  // Size of a regular file; 0 when unknown (stdin, pipes).
  uint64_t total_bytes() const { return total_; }
  bool rewindable() const { return rewindable_; }
  // Back to the start (REQUIRES rewindable()).
  absl::Status Rewind();
  const std::string& name() const { return name_; }

 private:
  LineChunkReader(FILE* f, bool owned, std::string name, size_t chunk_bytes,
                  size_t max_line_bytes);
  // Appends up to n bytes; false at EOF or error.
  bool Fill(size_t n);

  FILE* file_;
  bool owned_;
  std::string name_;
  size_t chunk_bytes_;
  size_t max_line_bytes_;
  uint64_t total_ = 0;
  bool rewindable_ = false;

  std::string buf_;  // unread bytes start at buf_pos_
  size_t buf_pos_ = 0;
  bool eof_ = false;
  uint64_t consumed_ = 0;   // bytes handed out
  uint64_t next_line_ = 1;  // line number of the next chunk's first line
  absl::Status status_;
};

// Counts '\n' in s.
uint64_t CountLines(std::string_view s);
// Adds base - 1 to the line number of a message that starts "line L" (as
// line protocol and InfluxQL errors do), so chunk-relative errors name
// absolute lines.
std::string RebaseLineNumber(std::string_view message, uint64_t base);

}  // namespace strata::cli

#endif  // STRATA_CLI_INPUT_H_
