// FlagSet: the argument parser shared by every strata command, and the
// time/duration argument parsers (which reuse InfluxQL's literals so the
// CLI accepts exactly what queries accept).
#include "cli/flags.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_format.h"
#include "series/influxql/time_literals.h"

namespace strata::cli {
namespace {

bool LooksNumeric(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' &&
         ((s[1] >= '0' && s[1] <= '9') || s[1] == '.');
}

bool ParseBoolText(std::string_view text, bool* out) {
  if (text == "true" || text == "1" || text == "yes") {
    *out = true;
    return true;
  }
  if (text == "false" || text == "0" || text == "no") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

FlagSet::FlagSet(std::string usage, std::string summary)
    : usage_(std::move(usage)), summary_(std::move(summary)) {}

void FlagSet::AddString(std::string name, std::string* value,
                        std::string value_name, std::string help) {
  flags_.push_back(Flag{std::move(name),
                        Kind::kString,
                        value,
                        std::move(value_name),
                        std::move(help),
                        {}});
}

void FlagSet::AddBool(std::string name, bool* value, std::string help) {
  flags_.push_back(
      Flag{std::move(name), Kind::kBool, value, "", std::move(help), {}});
}

void FlagSet::AddUint(std::string name, uint64_t* value, std::string value_name,
                      std::string help) {
  flags_.push_back(Flag{std::move(name),
                        Kind::kUint,
                        value,
                        std::move(value_name),
                        std::move(help),
                        {}});
}

void FlagSet::AddDouble(std::string name, double* value, std::string value_name,
                        std::string help) {
  flags_.push_back(Flag{std::move(name),
                        Kind::kDouble,
                        value,
                        std::move(value_name),
                        std::move(help),
                        {}});
}

void FlagSet::AddChoice(std::string name, std::string* value,
                        std::vector<std::string> choices, std::string help) {
  std::string value_name;
  for (const std::string& c : choices) {
    if (!value_name.empty()) value_name += "|";
    value_name += c;
  }
  flags_.push_back(Flag{std::move(name), Kind::kChoice, value,
                        std::move(value_name), std::move(help),
                        std::move(choices)});
}

FlagSet::Flag* FlagSet::Find(std::string_view name) {
  for (Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool FlagSet::WasSet(std::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return f.set;
  }
  return false;
}

bool FlagSet::Assign(Flag* flag, std::string_view text) {
  switch (flag->kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag->value) = std::string(text);
      break;
    case Kind::kBool:
      if (!ParseBoolText(text, static_cast<bool*>(flag->value))) {
        error_ = absl::StrFormat("flag --%s takes true or false, got '%s'",
                                 flag->name, text);
        return false;
      }
      break;
    case Kind::kUint:
      if (!ParseUint64(text, static_cast<uint64_t*>(flag->value))) {
        error_ =
            absl::StrFormat("flag --%s takes a non-negative integer, got '%s'",
                            flag->name, text);
        return false;
      }
      break;
    case Kind::kDouble: {
      double* d = static_cast<double*>(flag->value);
      auto r = std::from_chars(text.data(), text.data() + text.size(), *d);
      if (text.empty() || r.ec != std::errc() ||
          r.ptr != text.data() + text.size()) {
        error_ = absl::StrFormat("flag --%s takes a number, got '%s'",
                                 flag->name, text);
        return false;
      }
      break;
    }
    case Kind::kChoice:
      if (std::find(flag->choices.begin(), flag->choices.end(), text) ==
          flag->choices.end()) {
        error_ = absl::StrFormat("flag --%s takes one of %s, got '%s'",
                                 flag->name, flag->value_name, text);
        return false;
      }
      *static_cast<std::string*>(flag->value) = std::string(text);
      break;
  }
  flag->set = true;
  return true;
}

FlagSet::Result FlagSet::Parse(const std::vector<std::string>& args) {
  positional_.clear();
  error_.clear();
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-' || LooksNumeric(arg)) {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") return Result::kHelp;
    if (arg[1] != '-') {
      error_ = absl::StrFormat("unknown flag %s (flags are --name)", arg);
      return Result::kError;
    }
    std::string_view body = std::string_view(arg).substr(2);
    std::string_view name = body;
    std::string_view inline_value;
    const size_t eq = body.find('=');
    const bool has_inline = eq != std::string_view::npos;
    if (has_inline) {
      name = body.substr(0, eq);
      inline_value = body.substr(eq + 1);
    }
    Flag* flag = Find(name);
    if (flag == nullptr) {
      error_ = absl::StrFormat("unknown flag --%s", name);
      return Result::kError;
    }
    if (has_inline) {
      if (!Assign(flag, inline_value)) return Result::kError;
      continue;
    }
    if (flag->kind == Kind::kBool) {
      *static_cast<bool*>(flag->value) = true;
      flag->set = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      error_ = absl::StrFormat("flag --%s needs a value (%s)", name,
                               flag->value_name);
      return Result::kError;
    }
    if (!Assign(flag, args[++i])) return Result::kError;
  }
  return Result::kOk;
}

std::string FlagSet::Help() const {
  std::string out = absl::StrFormat("usage: %s\n\n%s\n", usage_, summary_);
  if (flags_.empty()) return out;
  out += "\nflags:\n";
  std::vector<std::string> left;
  size_t width = 0;
  for (const Flag& f : flags_) {
    std::string l = "  --" + f.name;
    if (f.kind != Kind::kBool) l += " " + f.value_name;
    width = std::max(width, l.size());
    left.push_back(std::move(l));
  }
  for (size_t i = 0; i < flags_.size(); ++i) {
    out += absl::StrFormat("%-*s  %s\n", static_cast<int>(width), left[i],
                           flags_[i].help);
  }
  out += absl::StrFormat("%-*s  %s\n", static_cast<int>(width), "  --help",
                         "show this help");
  return out;
}

bool ParseTimeArg(std::string_view text, int64_t* ns, std::string* error) {
  if (ParseInt64(text, ns)) return true;
  absl::StatusOr<int64_t> t = influxql::ParseTimeString(text);
  if (!t.ok()) {
    *error = absl::StrFormat(
        "'%s' is not a time (RFC 3339 like 2024-01-01T00:00:00Z, or integer "
        "nanoseconds): %s",
        text, t.status().message());
    return false;
  }
  *ns = *t;
  return true;
}

bool ParseDurationArg(std::string_view text, int64_t* ns, std::string* error) {
  int64_t v = 0;
  if (ParseInt64(text, &v)) {
    if (v < 0) {
      *error = absl::StrFormat("duration '%s' is negative", text);
      return false;
    }
    *ns = v;
    return true;
  }
  absl::StatusOr<int64_t> d = influxql::ParseDuration(text);
  if (!d.ok()) {
    *error = absl::StrFormat(
        "'%s' is not a duration (like 7d, 12h, 1h30m, 500ms, or integer "
        "nanoseconds): %s",
        text, d.status().message());
    return false;
  }
  if (*d < 0) {
    *error = absl::StrFormat("duration '%s' is negative", text);
    return false;
  }
  *ns = *d;
  return true;
}

bool ParseInt64(std::string_view s, int64_t* v) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseUint64(std::string_view s, uint64_t* v) {
  if (s.empty() || s[0] == '-') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string_view StripWhitespace(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace strata::cli
