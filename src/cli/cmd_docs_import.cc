// `strata docs import COLL FILE|-`: loads NDJSON (one document per line) or
// one JSON array of documents, in atomic batches (--batch, default 1000).
//
// Syntax is checked before the first write whenever the whole input can be
// seen first (a regular file, or any JSON array), so malformed JSON writes
// nothing. A document the collection refuses (no key, duplicate with
// --insert, ...) stops the import at its batch; the error names its line
// and how many documents were imported before it.
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/cmd_docs.h"
#include "cli/input.h"
#include "simdjson.h"

namespace strata::cli {
namespace {

constexpr size_t kMaxArrayBytes = size_t{256} << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' ||
                        s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Syntax check of one JSON text; the reason if it is not JSON.
bool ValidJson(simdjson::dom::parser* parser, std::string_view text,
               std::string* reason) {
  simdjson::dom::element e;
  auto err = parser->parse(text.data(), text.size()).get(e);
  if (err) {
    *reason = simdjson::error_message(err);
    return false;
  }
  return true;
}

// Splits a syntactically valid JSON array into its elements' texts and
// the line each starts on.
void SplitArray(std::string_view text, std::vector<std::string_view>* elems,
                std::vector<uint64_t>* lines) {
  size_t i = text.find('[') + 1;
  uint64_t line = 1 + CountLines(text.substr(0, i));
  int depth = 0;
  bool in_string = false;
  size_t start = std::string_view::npos;
  uint64_t start_line = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (c == '\\') {
        ++i;  // escapes never hide a newline: JSON strings have none
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (start == std::string_view::npos && c != ']' && c != ',') {
      start = i;
      start_line = line;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      if (start != std::string_view::npos) {
        elems->push_back(Trim(text.substr(start, i - start)));
        lines->push_back(start_line);
      }
      start = std::string_view::npos;
      if (c == ']') return;
    }
  }
}

class Importer {
 public:
  Importer(DocumentStore* store, std::string coll, bool insert_only, bool sync,
           size_t batch)
      : store_(store),
        coll_(std::move(coll)),
        insert_only_(insert_only),
        sync_(sync),
        batch_(batch) {}

  absl::Status Add(std::string_view doc, uint64_t line) {
    docs_.emplace_back(doc);
    lines_.push_back(line);
    bytes_ += doc.size();
    if (docs_.size() >= batch_ || bytes_ >= (8 << 20)) return Flush();
    return absl::OkStatus();
  }

  absl::Status Flush() {
    if (docs_.empty()) return absl::OkStatus();
    DocWriteOptions options;
    options.sync = sync_;
    absl::Status s = store_->PutMany(coll_, docs_, insert_only_, options);
    if (!s.ok()) {
      return absl::Status(
          s.code(),
          RenameDocumentIndex(std::string(s.message()), "line", lines_));
    }
    imported_ += docs_.size();
    docs_.clear();
    lines_.clear();
    bytes_ = 0;
    return absl::OkStatus();
  }

  uint64_t imported() const { return imported_; }

 private:
  DocumentStore* store_;
  std::string coll_;
  bool insert_only_;
  bool sync_;
  size_t batch_;
  std::vector<std::string> docs_;
  std::vector<uint64_t> lines_;
  size_t bytes_ = 0;
  uint64_t imported_ = 0;
};

// Calls fn(doc, line) for each non-blank line of chunk.
template <typename Fn>
absl::Status ForEachLine(std::string_view chunk, uint64_t first_line, Fn fn) {
  uint64_t line = first_line;
  size_t pos = 0;
  while (pos < chunk.size()) {
    size_t nl = chunk.find('\n', pos);
    if (nl == std::string_view::npos) nl = chunk.size();
    std::string_view doc = Trim(chunk.substr(pos, nl - pos));
    if (!doc.empty()) {
      absl::Status s = fn(doc, line);
      if (!s.ok()) return s;
    }
    pos = nl + 1;
    ++line;
  }
  return absl::OkStatus();
}

}  // namespace

int RunDocsImport(CliContext& ctx, const std::vector<std::string>& args) {
  bool insert_only = false, sync = false;
  uint64_t batch = 1000;
  FlagSet flags(
      "strata docs import COLL FILE|- [--insert] [--batch N] [--sync]",
      "Loads documents into COLL from FILE (or stdin with '-'): NDJSON, one\n"
      "document per line, or a single JSON array. Each batch is atomic;\n"
      "malformed JSON in a file or array writes nothing.");
  flags.AddBool("insert", &insert_only,
                "fail on a document whose key exists (default: replace it)");
  flags.AddUint("batch", &batch, "N", "documents per atomic batch (1000)");
  flags.AddBool("sync", &sync, "fsync each batch");
  if (auto r = ParseFlags(ctx, flags, "docs import", args, 2, 2)) return *r;
  if (batch == 0) return UsageError(ctx, flags, "docs import", "--batch is 0");
  const std::string& coll = flags.positional()[0];
  auto in = LineChunkReader::Open(flags.positional()[1]);
  if (!in.ok()) return Fail(ctx, "docs import", in.status());
  LineChunkReader& r = **in;

  std::string_view chunk;
  uint64_t first_line = 0;
  if (!r.Next(&chunk, &first_line)) {
    if (!r.status().ok()) return Fail(ctx, "docs import", r.status());
    chunk = {};
    first_line = 1;
  }
  const bool array = !Trim(chunk).empty() && Trim(chunk).front() == '[';
  simdjson::dom::parser parser;
  std::string reason;
  std::string whole;  // array mode: the entire input

  if (array) {
    whole.assign(chunk);
    while (r.Next(&chunk, &first_line)) {
      if (whole.size() + chunk.size() > kMaxArrayBytes) {
        return Fail(ctx, "docs import",
                    absl::StrFormat("%s: a JSON array over %d MiB; use NDJSON "
                                    "(one document per line) instead",
                                    r.name(), kMaxArrayBytes >> 20));
      }
      whole.append(chunk);
    }
    if (!r.status().ok()) return Fail(ctx, "docs import", r.status());
    simdjson::dom::element root;
    auto err = parser.parse(whole.data(), whole.size()).get(root);
    if (err) {
      return Fail(ctx, "docs import",
                  absl::StrFormat("%s: invalid JSON array: %s (nothing was "
                                  "imported)",
                                  r.name(), simdjson::error_message(err)));
    }
  } else if (r.rewindable()) {
    // Syntax pass over the whole file first.
    auto check = [&](std::string_view doc, uint64_t line) {
      if (ValidJson(&parser, doc, &reason)) return absl::OkStatus();
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: invalid JSON: %s (nothing was imported)", r.name(),
          line, reason));
    };
    absl::Status s = ForEachLine(chunk, first_line, check);
    while (s.ok() && r.Next(&chunk, &first_line)) {
      s = ForEachLine(chunk, first_line, check);
    }
    if (s.ok()) s = r.status();
    if (!s.ok()) return Fail(ctx, "docs import", s);
    if (s = r.Rewind(); !s.ok()) return Fail(ctx, "docs import", s);
    if (!r.Next(&chunk, &first_line)) chunk = {};
  }

  auto store = ctx.Docs(/*create=*/false);
  if (!store.ok()) return Fail(ctx, "docs import", store.status());
  Importer imp(*store, coll, insert_only, sync, batch);
  const bool show = !ctx.in_shell() && Progress::StderrWanted();
  Progress progress(ctx.err(), show, "import", "docs", r.total_bytes());
  absl::Status s;
  if (array) {
    std::vector<std::string_view> elems;
    std::vector<uint64_t> lines;
    SplitArray(whole, &elems, &lines);
    for (size_t i = 0; i < elems.size() && s.ok(); ++i) {
      s = imp.Add(elems[i], lines[i]);
      progress.Update(elems[i].data() - whole.data(), imp.imported());
    }
  } else {
    auto add = [&](std::string_view doc, uint64_t line) -> absl::Status {
      if (!r.rewindable() && !ValidJson(&parser, doc, &reason)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("line %d: invalid JSON: %s", line, reason));
      }
      return imp.Add(doc, line);
    };
    if (!chunk.empty()) s = ForEachLine(chunk, first_line, add);
    while (s.ok() && r.Next(&chunk, &first_line)) {
      s = ForEachLine(chunk, first_line, add);
      progress.Update(r.bytes_consumed(), imp.imported());
    }
    if (s.ok()) s = r.status();
  }
  if (s.ok()) s = imp.Flush();
  progress.Finish();
  if (!s.ok()) {
    return Fail(
        ctx, "docs import",
        absl::StrFormat("%s: %s (%s)", r.name(), s.message(),
                        imp.imported() == 0
                            ? std::string("nothing was imported")
                            : absl::StrFormat("%d documents before it were "
                                              "imported",
                                              imp.imported())));
  }
  const double secs = progress.ElapsedSeconds();
  ctx.Print(
      absl::StrFormat("imported %d documents into %s in %.3f s (%s "
                      "docs/s)\n",
                      imp.imported(), coll, secs,
                      HumanCount(secs > 0 ? imp.imported() / secs : 0)));
  return kExitOk;
}

}  // namespace strata::cli
