// `strata check`: verifies every checksum of a DB directory without opening
// the DB (so it works on one that no longer opens): CURRENT and the
// manifest with every version edit, each live file the manifest names,
// every SST (footer, meta blocks and every data block against its index),
// and every WAL batch. Each damage is reported as "FILE at offset N:
// reason"; exit 1 if there is any. It holds the DB's LOCK while it reads,
// so it refuses a directory a running process has open rather than
// inspecting files mid-write. A torn WAL or manifest tail (an interrupted
// append, dropped at the next open) is a note, not damage.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"
#include "cli/db_files.h"
#include "lsm/filename.h"
#include "lsm/log_format.h"
#include "lsm/version_edit.h"
#include "lsm/write_batch_internal.h"
#include "strata/env.h"

namespace strata::cli {
namespace {

class Checker {
 public:
  Checker(CliContext& ctx, bool verbose) : ctx_(ctx), verbose_(verbose) {}

  void Damage(const std::string& line) {
    ++damage_;
    ctx_.Print("DAMAGE " + line + "\n");
  }
  void Note(const std::string& line) { ctx_.Print("note: " + line + "\n"); }
  void Ok(const std::string& line) {
    if (verbose_) ctx_.Print("ok " + line + "\n");
  }

  // Replays the manifest into the live file set.
  void CheckManifest(const DbFiles& files) {
    if (!files.current_status.ok()) {
      Damage(DamageLine("CURRENT", files.current_status));
      return;
    }
    const std::string& path = files.current_manifest;
    LogScan scan = ScanLog(
        path, log::kManifestMagic, [&](uint64_t off, std::string_view rec) {
          VersionEdit edit;
          absl::Status s = edit.DecodeFrom(
              rec, absl::StrFormat("%s at offset %d", path, off));
          if (!s.ok()) return s;
          for (const auto& [window, number] : edit.deleted_files) {
            live_.erase(number);
          }
          for (const FileMeta& f : edit.new_files) live_[f.number] = f;
          return absl::OkStatus();
        });
    manifest_edits_ = scan.records;
    if (!scan.status.ok()) {
      Damage(DamageLine(path, scan.status));
      manifest_ok_ = false;
      return;
    }
    if (scan.torn) {
      Note(absl::StrFormat("%s: torn tail at offset %d", path,
                           scan.torn_offset));
    }
    Ok(absl::StrFormat("%s (%d edits, %d live SSTs)", path, scan.records,
                       live_.size()));
  }

  void CheckLiveFiles(const std::string& dir) {
    if (!manifest_ok_) return;
    Env* env = Env::Default();
    for (const auto& [number, meta] : live_) {
      const std::string path = TableFileName(dir, number);
      auto size = env->GetFileSize(path);
      if (!size.ok()) {
        Damage(absl::StrFormat("%s: listed in the manifest but %s", path,
                               absl::IsNotFound(size.status())
                                   ? std::string("missing")
                                   : std::string(size.status().message())));
      } else if (*size != meta.file_size) {
        Damage(absl::StrFormat("%s: %d bytes, the manifest says %d", path,
                               *size, meta.file_size));
      }
    }
  }

  void CheckSst(const std::string& path) {
    ++ssts_;
    auto table = OpenTableFile(path);
    absl::Status s = table.ok() ? (*table)->VerifyAllBlocks() : table.status();
    if (!s.ok()) {
      Damage(DamageLine(path, s));
      return;
    }
    blocks_ += (*table)->index().size();
    Ok(absl::StrFormat("%s (%d blocks, %d records)", path,
                       (*table)->index().size(),
                       (*table)->properties().num_records));
  }

  void CheckWal(const std::string& path) {
    ++wals_;
    LogScan scan =
        ScanLog(path, log::kWalMagic, [&](uint64_t off, std::string_view rep) {
          return WriteBatchInternal::Validate(
              rep, absl::StrFormat("%s at offset %d", path, off));
        });
    batches_ += scan.records;
    if (!scan.status.ok()) {
      Damage(DamageLine(path, scan.status));
      return;
    }
    if (scan.torn) {
      Note(absl::StrFormat(
          "%s: torn tail at offset %d (an interrupted append; dropped at the "
          "next open)",
          path, scan.torn_offset));
    }
    Ok(absl::StrFormat("%s (%d batches)", path, scan.records));
  }

  std::string Summary() const {
    return absl::StrFormat(
        "checked manifest (%d edits), %d SSTs (%d blocks), %d WALs (%d "
        "batches): %s\n",
        manifest_edits_, ssts_, blocks_, wals_, batches_,
        damage_ == 0 ? std::string("no damage")
                     : absl::StrFormat("%d damaged", damage_));
  }
  uint64_t damage() const { return damage_; }

 private:
  CliContext& ctx_;
  bool verbose_;
  std::map<uint64_t, FileMeta> live_;
  bool manifest_ok_ = true;
  uint64_t damage_ = 0, manifest_edits_ = 0, ssts_ = 0, blocks_ = 0, wals_ = 0,
           batches_ = 0;
};

}  // namespace

int RunCheck(CliContext& ctx, const std::vector<std::string>& args) {
  bool verbose = false;
  FlagSet flags(
      "strata check [--verbose]",
      "Verifies every checksum in the DB directory without opening the DB:\n"
      "CURRENT, the manifest, every SST block and every WAL batch. Prints\n"
      "each damage as 'FILE at offset N: reason' and exits 1 if any. Takes\n"
      "the DB's LOCK: stop a process using the DB first.");
  flags.AddBool("verbose", &verbose, "also list every file that is fine");
  if (auto r = ParseFlags(ctx, flags, "check", args, 0, 0)) return *r;
  if (ctx.in_shell()) {
    return Fail(ctx, "check",
                "not available inside the shell (it has the "
                "DB open); run 'strata check' instead");
  }
  const std::string& dir = ctx.db_dir();
  auto files = ListDbFiles(dir);
  if (!files.ok()) return Fail(ctx, "check", files.status());
  auto lock = Env::Default()->LockFile(LockFileName(dir));
  if (!lock.ok()) {
    return Fail(ctx, "check",
                absl::StrFormat("DB %s is in use by another process (%s)", dir,
                                lock.status().message()));
  }
  // List again under the lock: a DB may have changed files meanwhile.
  files = ListDbFiles(dir);
  if (!files.ok()) return Fail(ctx, "check", files.status());

  Checker checker(ctx, verbose);
  checker.CheckManifest(*files);
  checker.CheckLiveFiles(dir);
  for (const std::string& sst : files->ssts) checker.CheckSst(sst);
  for (const std::string& wal : files->logs) checker.CheckWal(wal);
  ctx.Print(checker.Summary());
  if (checker.damage() > 0) {
    return Fail(
        ctx, "check",
        absl::StrFormat("%d damaged item(s) in %s", checker.damage(), dir));
  }
  return kExitOk;
}

}  // namespace strata::cli
