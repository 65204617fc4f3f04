// `strata docs ...`: the document layer from the command line. This file
// dispatches the subcommands and holds the collection, index and
// single-document ones; queries and import have their own files.
#include "cli/cmd_docs.h"

#include <charconv>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace strata::cli {
namespace {

using Args = std::vector<std::string>;

absl::StatusOr<DocumentStore*> Store(CliContext& ctx, bool create) {
  return ctx.Docs(create);
}

std::string SpecJson(const CollectionSpec& c,
                     const std::vector<IndexSpec>& indexes) {
  std::string out = "{\"name\":" + JsonQuote(c.name);
  out += ",\"key\":" + JsonQuote(c.key_path.empty() ? "_id" : c.key_path);
  out += c.auto_id ? ",\"auto_id\":true" : ",\"auto_id\":false";
  if (!c.time_path.empty()) {
    out += ",\"time\":{\"path\":" + JsonQuote(c.time_path) +
           ",\"unit\":" + JsonQuote(c.time_unit) + "}";
  }
  out += absl::StrFormat(",\"ttl_ns\":%d", c.default_ttl_ns);
  out += ",\"indexes\":[";
  for (size_t i = 0; i < indexes.size(); ++i) {
    const IndexSpec& ix = indexes[i];
    if (i > 0) out += ",";
    out += "{\"name\":" + JsonQuote(ix.name) + ",\"paths\":[";
    for (size_t p = 0; p < ix.paths.size(); ++p) {
      if (p > 0) out += ",";
      out += JsonQuote(ix.paths[p]);
    }
    out += "]";
    if (ix.unique) out += ",\"unique\":true";
    if (ix.multi) out += ",\"multi\":true";
    if (ix.sparse) out += ",\"sparse\":true";
    out += "}";
  }
  out += "]}";
  return out;
}

int Create(CliContext& ctx, const Args& args) {
  std::string key, time_path, time_unit = "rfc3339", ttl;
  bool auto_id = false;
  FlagSet flags(
      "strata docs create COLL [--key PATH | --auto-id] [--time PATH] "
      "[--time-unit U] [--ttl DUR]",
      "Creates collection COLL. Documents are keyed by the value at --key\n"
      "(default _id); with --auto-id documents without one get a generated,\n"
      "time-ordered id. --time names the field used as the document time\n"
      "(for --from/--to and TTLs); --ttl (7d, 12h, ...) expires documents.");
  flags.AddString("key", &key, "PATH", "primary key path (default _id)");
  flags.AddBool("auto-id", &auto_id, "generate ids for documents without one");
  flags.AddString("time", &time_path, "PATH", "document time field");
  flags.AddChoice("time-unit", &time_unit, {"rfc3339", "s", "ms", "us", "ns"},
                  "how the time field is written (default rfc3339)");
  flags.AddString("ttl", &ttl, "DUR", "default time to live (7d, 12h, ...)");
  if (auto r = ParseFlags(ctx, flags, "docs create", args, 1, 1)) return *r;
  CollectionSpec spec;
  spec.name = flags.positional()[0];
  spec.key_path = key;
  spec.auto_id = auto_id;
  spec.time_path = time_path;
  spec.time_unit = time_unit;
  if (!ttl.empty()) {
    std::string error;
    if (!ParseDurationArg(ttl, &spec.default_ttl_ns, &error)) {
      return UsageError(ctx, flags, "docs create", error);
    }
  }
  auto store = Store(ctx, /*create=*/true);
  if (!store.ok()) return Fail(ctx, "docs create", store.status());
  absl::Status s = (*store)->CreateCollection(spec);
  if (!s.ok()) return Fail(ctx, "docs create", s);
  ctx.Print(absl::StrFormat("created collection %s\n", spec.name));
  return kExitOk;
}

int Drop(CliContext& ctx, const Args& args) {
  FlagSet flags("strata docs drop COLL",
                "Drops collection COLL with its documents and indexes.");
  if (auto r = ParseFlags(ctx, flags, "docs drop", args, 1, 1)) return *r;
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs drop", store.status());
  absl::Status s = (*store)->DropCollection(flags.positional()[0]);
  if (!s.ok()) return Fail(ctx, "docs drop", s);
  ctx.Print(absl::StrFormat("dropped collection %s\n", flags.positional()[0]));
  return kExitOk;
}

int List(CliContext& ctx, const Args& args) {
  FlagSet flags("strata docs list",
                "Prints each collection's definition and indexes as one JSON "
                "line.");
  if (auto r = ParseFlags(ctx, flags, "docs list", args, 0, 0)) return *r;
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs list", store.status());
  auto specs = (*store)->ListCollections();
  if (!specs.ok()) return Fail(ctx, "docs list", specs.status());
  for (const CollectionSpec& c : *specs) {
    auto indexes = (*store)->ListIndexes(c.name);
    if (!indexes.ok()) return Fail(ctx, "docs list", indexes.status());
    ctx.Print(SpecJson(c, *indexes) + "\n");
  }
  return kExitOk;
}

int Index(CliContext& ctx, const Args& args) {
  IndexSpec spec;
  FlagSet flags(
      "strata docs index COLL NAME PATH[,PATH...] [--unique] [--multi] "
      "[--sparse]",
      "Creates secondary index NAME on COLL over the given paths (several\n"
      "make a compound index), filling it from the existing documents.");
  flags.AddBool("unique", &spec.unique, "no two documents share the values");
  flags.AddBool("multi", &spec.multi, "one entry per array element");
  flags.AddBool("sparse", &spec.sparse,
                "leave out documents without the paths");
  if (auto r = ParseFlags(ctx, flags, "docs index", args, 3, 3)) return *r;
  spec.name = flags.positional()[1];
  spec.paths = absl::StrSplit(flags.positional()[2], ',');
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs index", store.status());
  absl::Status s = (*store)->CreateIndex(flags.positional()[0], spec);
  if (!s.ok()) return Fail(ctx, "docs index", s);
  ctx.Print(absl::StrFormat("created index %s on %s\n", spec.name,
                            flags.positional()[0]));
  return kExitOk;
}

int Unindex(CliContext& ctx, const Args& args) {
  FlagSet flags("strata docs unindex COLL NAME",
                "Drops secondary index NAME of COLL.");
  if (auto r = ParseFlags(ctx, flags, "docs unindex", args, 2, 2)) return *r;
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs unindex", store.status());
  absl::Status s =
      (*store)->DropIndex(flags.positional()[0], flags.positional()[1]);
  if (!s.ok()) return Fail(ctx, "docs unindex", s);
  ctx.Print(absl::StrFormat("dropped index %s\n", flags.positional()[1]));
  return kExitOk;
}

int PutOrInsert(CliContext& ctx, const Args& args, bool insert) {
  const char* name = insert ? "docs insert" : "docs put";
  std::string ttl;
  bool sync = false;
  FlagSet flags(
      absl::StrFormat("strata %s COLL JSON [--ttl DUR] [--sync]", name),
      insert ? "Inserts one JSON document; fails if its key exists. Prints "
               "the key."
             : "Writes one JSON document, replacing any with the same key. "
               "Prints the key.");
  flags.AddString("ttl", &ttl, "DUR", "time to live (default: collection's)");
  flags.AddBool("sync", &sync, "fsync before returning");
  if (auto r = ParseFlags(ctx, flags, name, args, 2, 2)) return *r;
  DocWriteOptions options;
  options.sync = sync;
  if (!ttl.empty()) {
    std::string error;
    if (!ParseDurationArg(ttl, &options.ttl_ns, &error)) {
      return UsageError(ctx, flags, name, error);
    }
  }
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, name, store.status());
  const std::string& coll = flags.positional()[0];
  const std::string& json = flags.positional()[1];
  absl::StatusOr<std::string> key = insert
                                        ? (*store)->Insert(coll, json, options)
                                        : (*store)->Put(coll, json, options);
  if (!key.ok()) return Fail(ctx, name, key.status());
  ctx.Print(*key + "\n");
  return kExitOk;
}

int Get(CliContext& ctx, const Args& args) {
  FlagSet flags("strata docs get COLL KEY",
                "Prints the document with primary key KEY (a JSON number or\n"
                "string; a bare word is taken as a string).");
  if (auto r = ParseFlags(ctx, flags, "docs get", args, 2, 2)) return *r;
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs get", store.status());
  auto doc =
      (*store)->Get(flags.positional()[0], KeyArg(flags.positional()[1]));
  if (!doc.ok()) return Fail(ctx, "docs get", doc.status());
  ctx.Print(*doc + "\n");
  return kExitOk;
}

int Delete(CliContext& ctx, const Args& args) {
  FlagSet flags("strata docs delete COLL KEY",
                "Deletes the document with primary key KEY.");
  if (auto r = ParseFlags(ctx, flags, "docs delete", args, 2, 2)) return *r;
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs delete", store.status());
  absl::Status s =
      (*store)->Delete(flags.positional()[0], KeyArg(flags.positional()[1]));
  if (!s.ok()) return Fail(ctx, "docs delete", s);
  return kExitOk;
}

int Patch(CliContext& ctx, const Args& args) {
  FlagSet flags(
      "strata docs patch COLL KEY MERGE_PATCH",
      "Applies an RFC 7396 JSON Merge Patch to the document with key\n"
      "KEY and prints the result.");
  if (auto r = ParseFlags(ctx, flags, "docs patch", args, 3, 3)) return *r;
  auto store = Store(ctx, false);
  if (!store.ok()) return Fail(ctx, "docs patch", store.status());
  auto doc =
      (*store)->Patch(flags.positional()[0], KeyArg(flags.positional()[1]),
                      flags.positional()[2]);
  if (!doc.ok()) return Fail(ctx, "docs patch", doc.status());
  ctx.Print(*doc + "\n");
  return kExitOk;
}

struct Sub {
  const char* name;
  int (*run)(CliContext&, const Args&);
  const char* summary;
};

int InsertCmd(CliContext& ctx, const Args& a) {
  return PutOrInsert(ctx, a, true);
}
int PutCmd(CliContext& ctx, const Args& a) {
  return PutOrInsert(ctx, a, false);
}

const Sub kSubs[] = {
    {"create", Create, "create a collection"},
    {"drop", Drop, "drop a collection"},
    {"list", List, "list collections (JSON lines)"},
    {"index", Index, "create a secondary index"},
    {"unindex", Unindex, "drop a secondary index"},
    {"import", RunDocsImport, "load NDJSON or a JSON array from FILE or -"},
    {"put", PutCmd, "write a document (upsert); prints its key"},
    {"insert", InsertCmd, "insert a new document; prints its key"},
    {"get", Get, "print a document by key"},
    {"delete", Delete, "delete a document by key"},
    {"patch", Patch, "apply a JSON merge patch"},
    {"find", RunDocsFind, "query with a filter; NDJSON out"},
    {"count", RunDocsCount, "count the documents a filter matches"},
    {"explain", RunDocsExplain, "show how find would run"},
};

std::string DocsHelp() {
  std::string out =
      "usage: strata docs <subcommand> [flags] [args]\n\n"
      "JSON document collections. Filters are Mongo-style JSON "
      "({\"age\":{\"$gt\":30}}).\n\nsubcommands:\n";
  for (const Sub& s : kSubs) {
    out += absl::StrFormat("  %-8s %s\n", s.name, s.summary);
  }
  out += "\nrun 'strata docs <subcommand> --help' for its flags.\n";
  return out;
}

}  // namespace

std::string KeyArg(std::string_view arg) {
  if (!arg.empty() && arg.front() == '"') return std::string(arg);
  // A JSON number: optional '-', digits, fraction, exponent; nothing else.
  double d;
  if (!arg.empty() && (arg[0] == '-' || (arg[0] >= '0' && arg[0] <= '9'))) {
    auto r = std::from_chars(arg.data(), arg.data() + arg.size(), d);
    if (r.ec == std::errc() && r.ptr == arg.data() + arg.size()) {
      return std::string(arg);
    }
  }
  return JsonQuote(arg);
}

std::string RenameDocumentIndex(std::string_view message, std::string_view unit,
                                const std::vector<uint64_t>& numbers) {
  constexpr std::string_view kPrefix = "document ";
  if (message.substr(0, kPrefix.size()) != kPrefix) {
    return std::string(message);
  }
  size_t digits = 0;
  while (kPrefix.size() + digits < message.size() &&
         message[kPrefix.size() + digits] >= '0' &&
         message[kPrefix.size() + digits] <= '9') {
    ++digits;
  }
  uint64_t n = 0;
  if (digits == 0 || !ParseUint64(message.substr(kPrefix.size(), digits), &n) ||
      n >= numbers.size()) {
    return std::string(message);
  }
  return absl::StrFormat("%s %d%s", unit, numbers[n],
                         message.substr(kPrefix.size() + digits));
}

int RunDocs(CliContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) {
    ctx.PrintErr(DocsHelp());
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    ctx.Print(DocsHelp());
    return kExitOk;
  }
  for (const Sub& s : kSubs) {
    if (args[0] == s.name) {
      return s.run(ctx, Args(args.begin() + 1, args.end()));
    }
  }
  ctx.PrintErr(absl::StrFormat("strata docs: unknown subcommand '%s'\n%s",
                               args[0], DocsHelp()));
  return kExitUsage;
}

}  // namespace strata::cli
