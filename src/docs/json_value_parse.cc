// ParseJson and the simdjson On-Demand readers behind it: scalars (with
// exact integers and a fallback for integers beyond 64 bits), recursive
// materialization with depth and duplicate-key checks, and error messages
// that name a byte offset.
#include <charconv>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "docs/json_value_ondemand.h"

namespace strata::docs::internal {

namespace ondemand = simdjson::ondemand;

absl::Status MalformedJson(const OndemandContext& ctx, size_t offset,
                           std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: malformed JSON at byte offset %d: %s", ctx.what, offset, reason));
}

namespace {

// Offset of the token simdjson is looking at, or npos when it is past the
// end or the iterator is in an error state.
size_t CurrentOffset(const OndemandContext& ctx) {
  if (ctx.doc == nullptr) return std::string_view::npos;
  const char* loc = nullptr;
  if (ctx.doc->current_location().get(loc) != simdjson::SUCCESS) {
    return std::string_view::npos;
  }
  size_t off = static_cast<size_t>(loc - ctx.text.data());
  return off <= ctx.text.size() ? off : std::string_view::npos;
}

absl::Status ErrorAtCurrent(const OndemandContext& ctx,
                            std::string_view reason) {
  size_t off = CurrentOffset(ctx);
  return MalformedJson(
      ctx, off == std::string_view::npos ? ctx.text.size() : off, reason);
}

// JSON number grammar (RFC 8259 section 6); sets *integral when there is
// no fraction or exponent.
bool IsJsonNumber(std::string_view s, bool* integral) {
  size_t i = 0;
  auto digit = [&](size_t k) {
    return k < s.size() && s[k] >= '0' && s[k] <= '9';
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  *integral = true;
  if (i < s.size() && s[i] == '.') {
    *integral = false;
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    *integral = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == s.size();
}

// simdjson rejects integers outside [-2^63, 2^64) and doubles beyond the
// double range. Integers that large become the nearest double (as in
// JavaScript and MongoDB); out-of-range doubles stay errors.
absl::Status ReadBigNumber(ondemand::value& v, const OndemandContext& ctx,
                           JsonView* out) {
  size_t off = CurrentOffset(ctx);
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' ||
                          raw.back() == '\r' || raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  if (off == std::string_view::npos) {
    off = static_cast<size_t>(raw.data() - ctx.text.data());
  }
  bool integral = false;
  if (!IsJsonNumber(raw, &integral)) {
    return OndemandError(ctx, simdjson::NUMBER_ERROR);  // locates the fault
  }
  double d = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), d);
  if (!integral || ec != std::errc() || !std::isfinite(d)) {
    return MalformedJson(ctx, off,
                         absl::StrFormat("number %s is out of range", raw));
  }
  *out = JsonView::Double(d);
  return absl::OkStatus();
}

}  // namespace

absl::Status OndemandError(const OndemandContext& ctx,
                           simdjson::error_code err) {
  JsonSyntaxError located = FindJsonSyntaxError(ctx.text, ctx.max_depth);
  if (located.found) return MalformedJson(ctx, located.offset, located.reason);
  // The text is valid JSON by the grammar, so simdjson hit a limit or
  // something the grammar checker does not model; report its words.
  return ErrorAtCurrent(ctx, simdjson::error_message(err));
}

namespace {

// The bytes of a JSON string that starts at raw (just past its opening
// quote) if they contain no escape; stage 1 has already checked that the
// string is closed within the input.
bool UnescapedSpan(const char* raw, std::string_view* out) {
  const char* p = raw;
  while (*p != '"' && *p != '\\') ++p;
  if (*p != '"') return false;
  *out = std::string_view(raw, static_cast<size_t>(p - raw));
  return true;
}

}  // namespace

absl::Status ReadKey(ondemand::field& field, const OndemandContext& ctx,
                     std::string_view* key) {
  if (UnescapedSpan(field.key().raw(), key)) return absl::OkStatus();
  if (auto err = field.unescaped_key().get(*key)) {
    return OndemandError(ctx, err);
  }
  return absl::OkStatus();
}

absl::Status ReadScalar(ondemand::value& v, ondemand::json_type t,
                        const OndemandContext& ctx, JsonView* out) {
  switch (t) {
    case ondemand::json_type::number: {
      ondemand::number n;
      auto err = v.get_number().get(n);
      if (err == simdjson::NUMBER_ERROR) {
        return ReadBigNumber(v, ctx, out);
      }
      if (err) return OndemandError(ctx, err);
      switch (n.get_number_type()) {
        case ondemand::number_type::signed_integer:
          *out = JsonView::Int(n.get_int64());
          break;
        case ondemand::number_type::unsigned_integer:
          *out = JsonView::Uint(n.get_uint64());
          break;
        default:
          *out = JsonView::Double(n.get_double());
      }
      return absl::OkStatus();
    }
    case ondemand::json_type::string: {
      // Peeking leaves the value unconsumed, which On-Demand allows; only
      // strings with escapes are copied out.
      std::string_view token = v.raw_json_token();
      std::string_view s;
      if (token.empty() || token[0] != '"' ||
          !UnescapedSpan(token.data() + 1, &s)) {
        if (auto err = v.get_string().get(s)) return OndemandError(ctx, err);
      }
      *out = JsonView::String(s);
      return absl::OkStatus();
    }
    case ondemand::json_type::boolean: {
      bool b = false;
      if (auto err = v.get_bool().get(b)) return OndemandError(ctx, err);
      *out = JsonView::Bool(b);
      return absl::OkStatus();
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      auto err = v.is_null().get(is_null);
      if (err || !is_null) {
        return OndemandError(ctx, err ? err : simdjson::N_ATOM_ERROR);
      }
      *out = JsonView::Null();
      return absl::OkStatus();
    }
    default:
      return ErrorAtCurrent(ctx, "expected a scalar");
  }
}

namespace {

// Materialize recurses once per nesting level, so each level's frame is
// kept small: containers are filled by separate non-inlined functions and
// the duplicate-key set lives on the heap, only for large objects.
[[gnu::noinline]] absl::Status MaterializeArray(ondemand::value& v, int depth,
                                                const OndemandContext& ctx,
                                                JsonValue* out) {
  ondemand::array arr;
  if (auto err = v.get_array().get(arr)) return OndemandError(ctx, err);
  *out = JsonValue::Array();
  for (auto item : arr) {
    ondemand::value iv;
    if (auto err = std::move(item).get(iv)) return OndemandError(ctx, err);
    out->mutable_array().emplace_back();
    if (auto st = Materialize(iv, depth, ctx, &out->mutable_array().back());
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

// Small objects are checked for duplicate names by scanning; large ones
// switch to a set so that the check stays linear.
bool IsDuplicate(const std::vector<JsonValue::Member>& members,
                 std::string_view key,
                 std::unique_ptr<absl::flat_hash_set<std::string>>* seen) {
  constexpr size_t kScanLimit = 16;
  if (members.size() < kScanLimit) {
    for (const auto& m : members) {
      if (m.first == key) return true;
    }
    return false;
  }
  if (*seen == nullptr) {
    *seen = std::make_unique<absl::flat_hash_set<std::string>>();
    for (const auto& m : members) (*seen)->insert(m.first);
  }
  return !(*seen)->insert(std::string(key)).second;
}

[[gnu::noinline]] absl::Status MaterializeObject(ondemand::value& v, int depth,
                                                 const OndemandContext& ctx,
                                                 JsonValue* out) {
  ondemand::object obj;
  if (auto err = v.get_object().get(obj)) return OndemandError(ctx, err);
  *out = JsonValue::Object();
  auto& members = out->mutable_object();
  std::unique_ptr<absl::flat_hash_set<std::string>> seen;
  for (auto field_result : obj) {
    ondemand::field field;
    if (auto err = std::move(field_result).get(field)) {
      return OndemandError(ctx, err);
    }
    std::string_view key;
    if (auto st = ReadKey(field, ctx, &key); !st.ok()) return st;
    if (ctx.reject_duplicate_keys && IsDuplicate(members, key, &seen)) {
      return ErrorAtCurrent(ctx, absl::StrFormat("duplicate key \"%s\"", key));
    }
    members.emplace_back(std::string(key), JsonValue());
    ondemand::value fv = field.value();
    if (auto st = Materialize(fv, depth, ctx, &members.back().second);
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Materialize(ondemand::value& v, int depth,
                         const OndemandContext& ctx, JsonValue* out) {
  ondemand::json_type t;
  if (auto err = v.type().get(t)) return OndemandError(ctx, err);
  if (t != ondemand::json_type::object && t != ondemand::json_type::array) {
    JsonView s;
    if (auto st = ReadScalar(v, t, ctx, &s); !st.ok()) return st;
    *out = s.ToValue();
    return absl::OkStatus();
  }
  if (depth + 1 > ctx.max_depth) {
    return ErrorAtCurrent(
        ctx, absl::StrFormat("nesting deeper than %d levels", ctx.max_depth));
  }
  return t == ondemand::json_type::array
             ? MaterializeArray(v, depth + 1, ctx, out)
             : MaterializeObject(v, depth + 1, ctx, out);
}

}  // namespace strata::docs::internal

namespace strata::docs {

namespace ondemand = simdjson::ondemand;

namespace {
// The most levels ParseJson accepts whatever the options say; equal to
// the upper bound of DocumentStoreOptions::max_nesting_depth.
constexpr int kMaxParseDepth = 1024;

struct ParseScratch {
  ondemand::parser parser;
  std::string buffer;  // the text, padded
  bool in_use = false;
};

// Marks a scratch in use for the life of one parse; a buffer grown past
// 1 MiB by a large text is given back.
class ScratchClaim {
 public:
  explicit ScratchClaim(ParseScratch* s) : s_(s) { s_->in_use = true; }
  ~ScratchClaim() {
    s_->in_use = false;
    if (s_->buffer.capacity() > (size_t{1} << 20)) {
      s_->buffer = std::string();
      s_->parser = ondemand::parser();
    }
  }
  ScratchClaim(const ScratchClaim&) = delete;
  ScratchClaim& operator=(const ScratchClaim&) = delete;

 private:
  ParseScratch* s_;
};
}  // namespace

absl::StatusOr<JsonValue> ParseJson(std::string_view text,
                                    const JsonParseOptions& options) {
  using internal::OndemandContext;
  if (text.size() > options.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is %d bytes, limit %d", options.what, text.size(),
                        options.max_bytes));
  }
  // Queries and keys are parsed one per call: a parser and padded buffer
  // kept per thread spare the allocations (a third of a small query's
  // parse). A nested call (none today) would take fresh ones.
  thread_local ParseScratch shared_scratch;
  ParseScratch local_scratch;
  ParseScratch& scratch =
      shared_scratch.in_use ? local_scratch : shared_scratch;
  ScratchClaim claim(&scratch);
  scratch.buffer.assign(text);
  scratch.buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
  simdjson::padded_string_view padded(scratch.buffer.data(), text.size(),
                                      scratch.buffer.size());
  ondemand::parser& parser = scratch.parser;
  OndemandContext ctx;
  ctx.text = std::string_view(scratch.buffer.data(), text.size());
  ctx.what = options.what;
  // Honour depths up to the document layer's own maximum (1024), not just
  // kMaxJsonDepth: documents with integers beyond 64 bits are re-parsed
  // here, and clamping made them fail at 200 levels when more were
  // allowed. Frames are small, so 1024 levels stay far inside a stack.
  ctx.max_depth = std::clamp(options.max_depth, 1, kMaxParseDepth);
  ctx.reject_duplicate_keys = options.reject_duplicate_keys;
  ondemand::document doc;
  if (auto err = parser.iterate(padded).get(doc)) {
    return internal::OndemandError(ctx, err);
  }
  ctx.doc = &doc;
  ondemand::json_type t;
  if (auto err = doc.type().get(t)) return internal::OndemandError(ctx, err);
  JsonValue result;
  if (t == ondemand::json_type::object || t == ondemand::json_type::array) {
    ondemand::value root;
    if (auto err = doc.get_value().get(root)) {
      return internal::OndemandError(ctx, err);
    }
    if (auto st = internal::Materialize(root, 0, ctx, &result); !st.ok()) {
      return st;
    }
    // simdjson stops at the root's end; anything after it is an error.
    const char* loc = nullptr;
    if (doc.current_location().get(loc) == simdjson::SUCCESS) {
      return internal::MalformedJson(ctx,
                                     static_cast<size_t>(loc - ctx.text.data()),
                                     "unexpected content after the JSON value");
    }
    return result;
  }
  // Scalar roots cannot be read as ondemand::value; the document's own
  // getters also reject trailing content.
  simdjson::error_code err = simdjson::SUCCESS;
  switch (t) {
    case ondemand::json_type::number: {
      ondemand::number n;
      err = doc.get_number().get(n);
      if (err == simdjson::NUMBER_ERROR) {
        double d = 0;
        err = doc.get_double().get(d);
        if (!err) result = JsonValue::Double(d);
        break;
      }
      if (err) break;
      if (n.is_int64()) {
        result = JsonValue::Int(n.get_int64());
      } else if (n.is_uint64()) {
        result = JsonValue::Uint(n.get_uint64());
      } else {
        result = JsonValue::Double(n.get_double());
      }
      break;
    }
    case ondemand::json_type::string: {
      std::string_view s;
      err = doc.get_string().get(s);
      if (!err) result = JsonValue::String(std::string(s));
      break;
    }
    case ondemand::json_type::boolean: {
      bool b = false;
      err = doc.get_bool().get(b);
      if (!err) result = JsonValue::Bool(b);
      break;
    }
    default: {
      bool is_null = false;
      err = doc.is_null().get(is_null);
      if (!err && !is_null) err = simdjson::N_ATOM_ERROR;
    }
  }
  if (err) return internal::OndemandError(ctx, err);
  return result;
}

}  // namespace strata::docs
