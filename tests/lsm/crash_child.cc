// crash_child: the process db_crash_test kills with SIGKILL. It opens a DB
// (POSIX env) and writes the crash workload forever: batch after batch from
// MakeCrashBatch (model_reference.h), each with WriteOptions::sync. Around
// every write it appends to a progress file, fdatasync'ed:
//
//   I <id>   before Write(): the batch may be in flight from here on
//   A <id>   after Write() returned OK: the batch is acknowledged
//
// so the parent knows which batches must be present and which one may be
// half-done. It never stops by itself; any error exits non-zero with a
// message on stderr.
//
// Usage: crash_child <db_dir> <progress_file> <seed> <first_batch_id>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_format.h"
#include "lsm/model_reference.h"
#include "strata/db.h"

namespace {

// Appends one whole line with one write() and makes it durable.
bool AppendLine(int fd, const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return ::fdatasync(fd) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr,
            "usage: %s <db_dir> <progress_file> <seed> <first_batch_id>\n",
            argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const uint64_t seed = strtoull(argv[3], nullptr, 10);
  const uint64_t first = strtoull(argv[4], nullptr, 10);

  const int fd =
      ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    fprintf(stderr, "crash_child: open %s: %s\n", argv[2], strerror(errno));
    return 3;
  }
  auto db = strata::DB::Open(strata::model::CrashOptions(), dir);
  if (!db.ok()) {
    fprintf(stderr, "crash_child: open DB %s: %s\n", dir.c_str(),
            db.status().ToString().c_str());
    return 4;
  }
  strata::WriteOptions wo;
  wo.sync = true;
  for (uint64_t id = first;; id++) {
    strata::WriteBatch batch =
        strata::model::ToBatch(strata::model::MakeCrashBatch(seed, id));
    if (!AppendLine(fd, absl::StrFormat("I %d\n", id))) {
      fprintf(stderr, "crash_child: progress file: %s\n", strerror(errno));
      return 5;
    }
    absl::Status s = (*db)->Write(wo, batch);
    if (!s.ok()) {
      fprintf(stderr, "crash_child: batch %d: %s\n", static_cast<int>(id),
              s.ToString().c_str());
      return 6;
    }
    if (!AppendLine(fd, absl::StrFormat("A %d\n", id))) {
      fprintf(stderr, "crash_child: progress file: %s\n", strerror(errno));
      return 5;
    }
  }
}
