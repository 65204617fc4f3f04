// `strata docs find|count|explain`: a Mongo-style filter with projection,
// sort, skip/limit and a time window, built into a FindRequest. find
// streams NDJSON (one minified document per line).
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/cmd_docs.h"

namespace strata::cli {
namespace {

// Flags common to the three commands.
struct FindArgs {
  std::string project, sort, from, to;
  uint64_t limit = 0, skip = 0;

  void Register(FlagSet* flags) {
    flags->AddString("project", &project, "SPEC",
                     "projection, e.g. '{\"name\":1}' or '{\"big\":0}'");
    flags->AddString("sort", &sort, "SPEC", "sort, e.g. '{\"ts\":-1}'");
    flags->AddUint("limit", &limit, "N", "at most N documents (0 = all)");
    flags->AddUint("skip", &skip, "N", "skip the first N matches");
    flags->AddString("from", &from, "TIME",
                     "time window start, inclusive (RFC 3339 or ns)");
    flags->AddString("to", &to, "TIME", "time window end, exclusive");
  }

  // The request; false with *error for a bad --from/--to.
  bool Build(const FlagSet& flags, FindRequest* req, std::string* error) {
    req->filter = flags.positional().size() > 1 ? flags.positional()[1] : "{}";
    req->projection = project;
    req->sort = sort;
    req->limit = limit;
    req->skip = skip;
    int64_t t = 0;
    if (!from.empty()) {
      if (!ParseTimeArg(from, &t, error)) return false;
      req->from = t;
    }
    if (!to.empty()) {
      if (!ParseTimeArg(to, &t, error)) return false;
      req->to = t;
    }
    return true;
  }
};

constexpr const char* kFilterHelp =
    "FILTER is a Mongo-style JSON filter (default {}): {\"age\":{\"$gte\":21}},"
    "\n{\"tags\":{\"$in\":[\"a\",\"b\"]}}, {\"$or\":[...]}.";

// Parses flags into a request; nullopt to go on, else the exit code.
std::optional<int> Prepare(CliContext& ctx, FlagSet& flags, FindArgs& fa,
                           const char* name,
                           const std::vector<std::string>& args,
                           FindRequest* req, DocumentStore** store) {
  fa.Register(&flags);
  if (auto r = ParseFlags(ctx, flags, name, args, 1, 2)) return r;
  std::string error;
  if (!fa.Build(flags, req, &error)) {
    return UsageError(ctx, flags, name, error);
  }
  auto s = ctx.Docs(/*create=*/false);
  if (!s.ok()) return Fail(ctx, name, s.status());
  *store = *s;
  return std::nullopt;
}

}  // namespace

int RunDocsFind(CliContext& ctx, const std::vector<std::string>& args) {
  FindArgs fa;
  FlagSet flags(
      "strata docs find COLL [FILTER] [--project SPEC] [--sort SPEC] "
      "[--limit N] [--skip N] [--from TIME] [--to TIME]",
      std::string("Prints the matching documents, one JSON per line.\n") +
          kFilterHelp);
  FindRequest req;
  DocumentStore* store = nullptr;
  if (auto r = Prepare(ctx, flags, fa, "docs find", args, &req, &store)) {
    return *r;
  }
  auto cursor = store->Find(flags.positional()[0], req);
  if (!cursor.ok()) return Fail(ctx, "docs find", cursor.status());
  std::string buf;
  while ((*cursor)->Next()) {
    buf.append((*cursor)->document());
    buf.push_back('\n');
    if (buf.size() >= (64 << 10)) {
      ctx.Print(buf);
      buf.clear();
    }
  }
  ctx.Print(buf);
  if (!(*cursor)->status().ok()) {
    return Fail(ctx, "docs find", (*cursor)->status());
  }
  return kExitOk;
}

int RunDocsCount(CliContext& ctx, const std::vector<std::string>& args) {
  FindArgs fa;
  FlagSet flags(
      "strata docs count COLL [FILTER] [--from TIME] [--to TIME]",
      std::string("Prints how many documents match.\n") + kFilterHelp);
  FindRequest req;
  DocumentStore* store = nullptr;
  if (auto r = Prepare(ctx, flags, fa, "docs count", args, &req, &store)) {
    return *r;
  }
  auto n = store->Count(flags.positional()[0], req);
  if (!n.ok()) return Fail(ctx, "docs count", n.status());
  ctx.Print(absl::StrFormat("%d\n", *n));
  return kExitOk;
}

int RunDocsExplain(CliContext& ctx, const std::vector<std::string>& args) {
  FindArgs fa;
  FlagSet flags(
      "strata docs explain COLL [FILTER] [find flags]",
      std::string("Runs the query and prints how it ran (index used,\n"
                  "documents and blocks read and skipped) as JSON.\n") +
          kFilterHelp);
  FindRequest req;
  DocumentStore* store = nullptr;
  if (auto r = Prepare(ctx, flags, fa, "docs explain", args, &req, &store)) {
    return *r;
  }
  auto plan = store->Explain(flags.positional()[0], req);
  if (!plan.ok()) return Fail(ctx, "docs explain", plan.status());
  ctx.Print(*plan + "\n");
  return kExitOk;
}

}  // namespace strata::cli
