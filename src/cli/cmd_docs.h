// Shared by the `strata docs` subcommand files: the subcommand signatures
// and the argument helpers they have in common.
#ifndef STRATA_CLI_CMD_DOCS_H_
#define STRATA_CLI_CMD_DOCS_H_

#include <string>
#include <string_view>
#include <vector>

#include "cli/context.h"

namespace strata::cli {

// `docs find|explain|count` (cmd_docs_query.cc).
int RunDocsFind(CliContext& ctx, const std::vector<std::string>& args);
int RunDocsExplain(CliContext& ctx, const std::vector<std::string>& args);
int RunDocsCount(CliContext& ctx, const std::vector<std::string>& args);
// `docs import` (cmd_docs_import.cc).
int RunDocsImport(CliContext& ctx, const std::vector<std::string>& args);

// A primary key argument as JSON: JSON numbers and quoted strings pass
// through; anything else is taken as a plain string and quoted, so
// `docs get users alice` works.
std::string KeyArg(std::string_view arg);

// "document N: why" (as DocumentStore::PutMany reports) becomes
// "<unit> <numbers[N]>: why", naming the input line or array element.
std::string RenameDocumentIndex(std::string_view message, std::string_view unit,
                                const std::vector<uint64_t>& numbers);

}  // namespace strata::cli

#endif  // STRATA_CLI_CMD_DOCS_H_
