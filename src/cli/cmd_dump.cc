// `strata dump sst|wal|manifest [FILE...]`: human-readable inspection of
// the on-disk formats (schema/sst.md, wal.md, manifest.md), like RocksDB's
// sst_dump and ldb. Without FILE it dumps the DB's SSTs, WALs or current
// manifest. It reads files directly and takes no lock: a WAL being written
// by a running DB may show a torn tail.
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/context.h"
#include "cli/db_files.h"
#include "lsm/block.h"
#include "lsm/format.h"
#include "lsm/log_format.h"
#include "lsm/version_edit.h"
#include "lsm/write_batch_internal.h"
#include "strata/env.h"

namespace strata::cli {
namespace {

std::string Handle(const BlockHandle& h) {
  return absl::StrFormat("@%d+%d", h.offset, h.size);
}

std::string Range(int64_t lo, int64_t hi) {
  if (lo > hi) return "[none]";
  return absl::StrFormat("[%d, %d]", lo, hi);
}

std::string ExpireRange(int64_t lo, int64_t hi) {
  if (lo > hi) return "[none]";
  return absl::StrFormat("[%s, %s]", DescribeExpire(lo), DescribeExpire(hi));
}

const char* EncodingName(uint8_t e) {
  switch (static_cast<BlockEncoding>(e)) {
    case BlockEncoding::kRow:
      return "row";
    case BlockEncoding::kColumnar:
      return "columnar";
    case BlockEncoding::kRowPacked:
      return "packed-row";
  }
  return "unknown";
}

// Footer and block headers are not kept by Table; read them directly.
absl::Status ReadAt(const RandomAccessFile& f, uint64_t off, size_t n,
                    std::string* out) {
  out->resize(n);
  std::string_view got;
  absl::Status s = f.Read(off, n, &got, out->data());
  if (!s.ok()) return s;
  if (got.size() != n) return absl::OutOfRangeError("short read");
  out->assign(got);
  return absl::OkStatus();
}

// Hands accumulated text to stdout once it is large, so dumping a big file
// runs in bounded memory.
void Spill(CliContext& ctx, std::string* out) {
  if (out->size() < (64 << 10)) return;
  ctx.Print(*out);
  out->clear();
}

std::string DumpSst(CliContext& ctx, const std::string& path, bool records,
                    size_t max_value, absl::Status* status) {
  std::string out = absl::StrFormat("== %s\n", path);
  auto table = OpenTableFile(path);
  if (!table.ok()) {
    *status = table.status();
    return out;
  }
  const Table& t = **table;
  out += absl::StrFormat("size: %d bytes\n", t.file_size());
  Env* env = Env::Default();
  auto file = env->NewRandomAccessFile(path);
  std::string buf;
  Footer footer;
  if (file.ok() && t.file_size() >= kFooterSize &&
      ReadAt(**file, t.file_size() - kFooterSize, kFooterSize, &buf).ok() &&
      DecodeFooter(buf, path, t.file_size(), &footer).ok()) {
    out += absl::StrFormat(
        "footer: format_version %d, index %s, filter %s, properties %s, "
        "range_tombstones %s\n",
        footer.format_version, Handle(footer.index), Handle(footer.filter),
        Handle(footer.properties), Handle(footer.range_tombstones));
  }
  const TableProperties& p = t.properties();
  out += "properties:\n";
  out += absl::StrFormat("  smallest_key         %s\n",
                         DescribeInternalKey(p.smallest_key));
  out += absl::StrFormat("  largest_key          %s\n",
                         DescribeInternalKey(p.largest_key));
  out +=
      absl::StrFormat("  ts                   %s\n", Range(p.min_ts, p.max_ts));
  out += absl::StrFormat("  expire_at            %s\n",
                         ExpireRange(p.min_expire_at, p.max_expire_at));
  out += absl::StrFormat("  seq                  [%d, %d]\n", p.min_seq,
                         p.max_seq);
  out += absl::StrFormat(
      "  records              %d (puts %d, point deletes %d), range "
      "tombstones %d\n",
      p.num_records, p.num_puts, p.num_point_deletes, p.num_range_tombstones);
  out += absl::StrFormat("  data_blocks          %d (columnar %d)\n",
                         p.num_data_blocks, p.num_columnar_blocks);
  out +=
      absl::StrFormat("  raw key/value bytes  %d / %d, stored data %d\n",
                      p.raw_key_bytes, p.raw_value_bytes, p.stored_data_bytes);
  out += absl::StrFormat("  window_id            %d\n", p.window_id);
  out += absl::StrFormat("  creation_time        %d\n", p.creation_time);

  out += absl::StrFormat("index: %d data blocks\n", t.index().size());
  for (size_t i = 0; i < t.index().size(); ++i) {
    const IndexEntry& e = t.index()[i];
    std::string enc = "?";
    BlockHeader h;
    if (file.ok() &&
        ReadAt(**file, e.handle.offset, kBlockHeaderSize, &buf).ok() &&
        DecodeBlockHeader(buf, &h)) {
      enc = absl::StrFormat(
          "%s %s raw %d stored %d", EncodingName(h.encoding),
          h.compression == CompressionType::kLZ4 ? "lz4" : "uncompressed",
          h.raw_length, h.stored_length);
    }
    out += absl::StrFormat(
        "  #%d %s count %d ts %s expire %s %s\n     first %s\n     last  %s\n",
        i, Handle(e.handle), e.count, Range(e.min_ts, e.max_ts),
        ExpireRange(e.min_expire_at, e.max_expire_at), enc,
        DescribeInternalKey(e.first_key), DescribeInternalKey(e.last_key));
  }
  out += absl::StrFormat("range tombstones: %d\n", t.range_tombstones().size());
  for (const RangeTombstone& rt : t.range_tombstones()) {
    out += absl::StrFormat(
        "  ['%s', %s) ts [%d, %d) seq %d\n", EscapeBytes(rt.begin),
        rt.end.empty() ? "end" : "'" + EscapeBytes(rt.end) + "'", rt.t0, rt.t1,
        rt.seq);
  }
  if (records) {
    out += "records:\n";
    auto it = t.NewIterator(TableReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out += absl::StrFormat("  %s expire %s value %s\n",
                             DescribeInternalKey(it->key()),
                             DescribeExpire(it->expire_at()),
                             DescribeValue(it->value(), max_value));
      Spill(ctx, &out);
    }
    if (!it->status().ok()) *status = it->status();
  }
  return out;
}

std::string ExpiryText(const Expiry& e) {
  switch (e.kind()) {
    case Expiry::Kind::kDefault:
      return "default";
    case Expiry::Kind::kTtl:
      return absl::StrFormat("ttl %dns", e.value());
    case Expiry::Kind::kAt:
      return "at " + DescribeExpire(e.value());
  }
  return "?";
}

// Prints each record of a batch payload.
class BatchPrinter : public WriteBatch::Handler {
 public:
  BatchPrinter(std::string* out, uint64_t seq, size_t max_value)
      : out_(out), seq_(seq), max_value_(max_value) {}
  absl::Status Put(std::string_view key, Timestamp ts, std::string_view value,
                   Expiry expiry) override {
    *out_ += absl::StrFormat("  #%d put '%s' @%d expire %s value %s\n", seq_++,
                             EscapeBytes(key), ts, ExpiryText(expiry),
                             DescribeValue(value, max_value_));
    return absl::OkStatus();
  }
  absl::Status Delete(std::string_view key, Timestamp ts) override {
    *out_ +=
        absl::StrFormat("  #%d del '%s' @%d\n", seq_++, EscapeBytes(key), ts);
    return absl::OkStatus();
  }
  absl::Status DeleteRange(std::string_view begin, std::string_view end,
                           Timestamp t0, Timestamp t1) override {
    *out_ += absl::StrFormat("  #%d delete_range ['%s', %s) ts [%d, %d)\n",
                             seq_++, EscapeBytes(begin),
                             end.empty() ? "end" : "'" + EscapeBytes(end) + "'",
                             t0, t1);
    return absl::OkStatus();
  }

 private:
  std::string* out_;
  uint64_t seq_;
  size_t max_value_;
};

std::string DumpWal(CliContext& ctx, const std::string& path, size_t max_value,
                    absl::Status* status) {
  std::string out = absl::StrFormat("== %s\n", path);
  LogScan scan =
      ScanLog(path, log::kWalMagic, [&](uint64_t off, std::string_view rep) {
        const std::string where = absl::StrFormat("%s at offset %d", path, off);
        absl::Status s = WriteBatchInternal::Validate(rep, where);
        if (!s.ok()) return s;
        const TtlContext ttl = WriteBatchInternal::Ttl(rep);
        const SequenceNumber seq = WriteBatchInternal::Sequence(rep);
        out += absl::StrFormat(
            "@%d batch seq %d count %d write_time %d default_ttl %d ttl_base "
            "%s\n",
            off, seq, WriteBatchInternal::Count(rep), ttl.write_time,
            ttl.default_ttl, ttl.from_write_time ? "write_time" : "timestamp");
        BatchPrinter printer(&out, seq, max_value);
        s = WriteBatchInternal::Iterate(rep, &printer);
        Spill(ctx, &out);
        return s;
      });
  out += absl::StrFormat("log number %d, %d batches", scan.log_number,
                         scan.records);
  if (scan.torn)
    out += absl::StrFormat(", torn tail at offset %d", scan.torn_offset);
  out += "\n";
  *status = scan.status;
  return out;
}

std::string DumpManifest(CliContext& ctx, const std::string& path,
                         absl::Status* status) {
  std::string out = absl::StrFormat("== %s\n", path);
  LogScan scan = ScanLog(
      path, log::kManifestMagic, [&](uint64_t off, std::string_view rec) {
        VersionEdit edit;
        absl::Status s =
            edit.DecodeFrom(rec, absl::StrFormat("%s at offset %d", path, off));
        if (!s.ok()) return s;
        out += absl::StrFormat("@%d %s\n", off, edit.DebugString());
        Spill(ctx, &out);
        return absl::OkStatus();
      });
  out += absl::StrFormat("manifest number %d, %d edits", scan.log_number,
                         scan.records);
  if (scan.torn)
    out += absl::StrFormat(", torn tail at offset %d", scan.torn_offset);
  out += "\n";
  *status = scan.status;
  return out;
}

}  // namespace

int RunDump(CliContext& ctx, const std::vector<std::string>& args) {
  bool records = false;
  uint64_t max_value = 64;
  FlagSet flags(
      "strata dump sst|wal|manifest [FILE...] [--records] [--max-value N]",
      "Prints the on-disk structures of SSTs (footer, properties, index\n"
      "entries, range tombstones; records with --records), WALs (each batch\n"
      "and its records) or a manifest (each version edit). Without FILE: the\n"
      "DB's SSTs, WALs or current manifest. Exit 1 if a file is damaged.");
  flags.AddBool("records", &records, "sst: also print every record");
  flags.AddUint("max-value", &max_value, "N",
                "show at most N bytes of each value (0 = all; default 64)");
  if (auto r = ParseFlags(ctx, flags, "dump", args, 1, SIZE_MAX)) return *r;
  const std::string what = flags.positional()[0];
  if (what != "sst" && what != "wal" && what != "manifest") {
    return UsageError(ctx, flags, "dump",
                      absl::StrFormat("unknown file kind '%s'", what));
  }
  std::vector<std::string> paths(flags.positional().begin() + 1,
                                 flags.positional().end());
  if (paths.empty()) {
    auto files = ListDbFiles(ctx.db_dir());
    if (!files.ok()) return Fail(ctx, "dump", files.status());
    if (what == "sst") paths = files->ssts;
    if (what == "wal") paths = files->logs;
    if (what == "manifest") {
      if (!files->current_status.ok()) {
        return Fail(ctx, "dump", files->current_status);
      }
      paths.push_back(files->current_manifest);
    }
  }
  int code = kExitOk;
  for (const std::string& path : paths) {
    if (!Env::Default()->FileExists(path)) {
      code = Fail(ctx, "dump", absl::StrFormat("%s: no such file", path));
      continue;
    }
    absl::Status s;
    std::string text;
    if (what == "sst") text = DumpSst(ctx, path, records, max_value, &s);
    if (what == "wal") text = DumpWal(ctx, path, max_value, &s);
    if (what == "manifest") text = DumpManifest(ctx, path, &s);
    ctx.Print(text);
    if (!s.ok()) code = Fail(ctx, "dump", DamageLine(path, s));
  }
  return code;
}

}  // namespace strata::cli
