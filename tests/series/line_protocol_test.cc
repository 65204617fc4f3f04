// Line protocol: conformance tables (every example of the InfluxDB 1.x
// reference page plus edge cases, each with its exact result or exact error
// position), skip-invalid mode, series keys, the formatter, a randomized
// format -> parse round trip, a mutation fuzz, and a throughput print.
#include "series/line_protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "util/random.h"

namespace strata {

// Readable failure output for points and values.
void PrintTo(const FieldValue& v, std::ostream* os) {
  switch (v.type()) {
    case FieldType::kFloat:
      *os << absl::StrFormat("%.17g", v.float_value());
      break;
    case FieldType::kInteger:
      *os << v.integer_value() << "i";
      break;
    case FieldType::kUnsigned:
      *os << v.unsigned_value() << "u";
      break;
    case FieldType::kBoolean:
      *os << (v.bool_value() ? "true" : "false");
      break;
    case FieldType::kString:
      *os << "\"" << v.string_value() << "\"";
      break;
  }
}
void PrintTo(const Point& p, std::ostream* os) {
  *os << "{m=<" << p.measurement << ">";
  for (const Tag& t : p.tags)
    *os << " tag<" << t.key << ">=<" << t.value << ">";
  for (const Field& f : p.fields) {
    *os << " field<" << f.key << ">=";
    PrintTo(f.value, os);
  }
  *os << " ts=" << p.timestamp << "}";
}
void PrintTo(const LineProtocolError& e, std::ostream* os) {
  *os << e.ToStatus();
}

namespace {

constexpr Timestamp kNow = 1'700'000'000'123'456'789;
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

FieldValue F(double v) { return FieldValue::Float(v); }
FieldValue I(int64_t v) { return FieldValue::Integer(v); }
FieldValue U(uint64_t v) { return FieldValue::Unsigned(v); }
FieldValue B(bool v) { return FieldValue::Boolean(v); }
FieldValue S(std::string v) { return FieldValue::String(std::move(v)); }

// A point with one field "value" at kNow, the shape of most doc examples.
Point Value(std::string measurement, FieldValue v) {
  return Point{std::move(measurement), {}, {{"value", std::move(v)}}, kNow};
}

LineProtocolOptions Opts(Precision precision = Precision::kNanoseconds) {
  LineProtocolOptions o;
  o.precision = precision;
  o.default_time_ns = kNow;
  return o;
}

// ---------------------------------------------------------------------------
// Valid input: each line parses to exactly one expected point.

struct ValidCase {
  const char* name;
  std::string input;
  Point want;
  Precision precision = Precision::kNanoseconds;
};

std::vector<ValidCase> ValidCases() {
  using P = Precision;
  return {
      // Examples from the InfluxDB 1.x line protocol reference.
      {"doc_scientific", "mymeas value=-1.234456e+78",
       Value("mymeas", F(-1.234456e+78))},
      {"doc_float_1_0", "mymeas value=1.0", Value("mymeas", F(1.0))},
      {"doc_bare_number_is_float", "mymeas value=1", Value("mymeas", F(1))},
      {"doc_integer", "mymeas value=1i", Value("mymeas", I(1))},
      {"doc_string", R"(mymeas value="stringing along")",
       Value("mymeas", S("stringing along"))},
      {"doc_bool", "mymeas value=true", Value("mymeas", B(true))},
      {"doc_quoted_bool_is_string", R"(mymeas value="true")",
       Value("mymeas", S("true"))},
      {"doc_timestamp", "mymeas value=3 1465934559000000000",
       Point{"mymeas", {}, {{"value", F(3)}}, 1465934559000000000}},
      {"doc_quoted_measurement", R"("mymeas" value=200)",
       Value("\"mymeas\"", F(200))},
      {"doc_float_dot_exponent", "m value=1.e+78", Value("m", F(1e78))},
      {"doc_float_dot_upper_exponent", "m value=1.E+78", Value("m", F(1e78))},
      {"doc_special_characters",
       R"("measurement\ with\ quo⚡️es\ and\ emoji",tag\ key\ with\ sp🚀ces=tag\,value\,with"commas" field_k\ey="string field value, only \" need be esc🍭ped")",
       Point{
           "\"measurement with quo⚡️es and emoji\"",
           {{"tag key with sp🚀ces", "tag,value,with\"commas\""}},
           {{"field_k\\ey", S("string field value, only \" need be esc🍭ped")}},
           kNow}},
      {"doc_weather",
       "weather,location=us-midwest temperature=82 1465839830100400200",
       Point{"weather",
             {{"location", "us-midwest"}},
             {{"temperature", F(82)}},
             1465839830100400200}},
      {"doc_multiple_fields_and_tags",
       R"(weather,location=us-midwest,season=summer temperature=82,bug_concentration=98,humidity=71i,note="hot" 1465839830100400200)",
       Point{"weather",
             {{"location", "us-midwest"}, {"season", "summer"}},
             {{"temperature", F(82)},
              {"bug_concentration", F(98)},
              {"humidity", I(71)},
              {"note", S("hot")}},
             1465839830100400200}},

      // Tags come back sorted by key (bytewise).
      {"tags_sorted", "cpu,z=1,a=2,m=3,B=4 v=1",
       Point{"cpu",
             {{"B", "4"}, {"a", "2"}, {"m", "3"}, {"z", "1"}},
             {{"v", F(1)}},
             kNow}},
      {"tags_sorted_many",
       "m,t17=a,t16=a,t15=a,t14=a,t13=a,t12=a,t11=a,t10=a,t09=a,t08=a,t07=a,"
       "t06=a,t05=a,t04=a,t03=a,t02=a,t01=a,t00=a v=1",
       Point{"m",
             {{"t00", "a"},
              {"t01", "a"},
              {"t02", "a"},
              {"t03", "a"},
              {"t04", "a"},
              {"t05", "a"},
              {"t06", "a"},
              {"t07", "a"},
              {"t08", "a"},
              {"t09", "a"},
              {"t10", "a"},
              {"t11", "a"},
              {"t12", "a"},
              {"t13", "a"},
              {"t14", "a"},
              {"t15", "a"},
              {"t16", "a"},
              {"t17", "a"}},
             {{"v", F(1)}},
             kNow}},
      {"tags_utf8_bytewise_order", "m,é=1,z=2 v=1",
       Point{"m", {{"z", "2"}, {"é", "1"}}, {{"v", F(1)}}, kNow}},

      // Escapes, element by element.
      {"measurement_escaped_comma_space", R"(c\,p\ u v=1)",
       Point{"c,p u", {}, {{"v", F(1)}}, kNow}},
      {"measurement_equals_needs_no_escape", "a=b v=1",
       Point{"a=b", {}, {{"v", F(1)}}, kNow}},
      {"measurement_escaped_equals_is_literal", R"(a\=b v=1)",
       Point{"a\\=b", {}, {{"v", F(1)}}, kNow}},
      {"measurement_double_backslash", R"(cpu\\,host=a v=1)",
       Point{"cpu\\", {{"host", "a"}}, {{"v", F(1)}}, kNow}},
      {"measurement_lone_backslash_is_literal", R"(c\pu v=1)",
       Point{"c\\pu", {}, {{"v", F(1)}}, kNow}},
      {"measurement_unicode", "温度,地点=北京 值=1",
       Point{"温度", {{"地点", "北京"}}, {{"值", F(1)}}, kNow}},
      {"measurement_quote_and_hash", R"(a"#b v=1)",
       Point{"a\"#b", {}, {{"v", F(1)}}, kNow}},
      {"tag_key_escapes", R"(m,a\,b\=c\ d=v v=1)",
       Point{"m", {{"a,b=c d", "v"}}, {{"v", F(1)}}, kNow}},
      {"tag_value_escapes", R"(m,k=a\,b\=c\ d v=1)",
       Point{"m", {{"k", "a,b=c d"}}, {{"v", F(1)}}, kNow}},
      {"tag_value_backslashes", R"(m,k=a\\,j=b\x v=1)",
       Point{"m", {{"j", "b\\x"}, {"k", "a\\"}}, {{"v", F(1)}}, kNow}},
      {"tag_value_quotes_kept", R"(m,k="v" v=1)",
       Point{"m", {{"k", "\"v\""}}, {{"v", F(1)}}, kNow}},
      {"field_key_escapes", R"(m a\,b\=c\ d=1)",
       Point{"m", {}, {{"a,b=c d", F(1)}}, kNow}},
      {"field_key_quotes_kept", R"(m "k"=1)",
       Point{"m", {}, {{"\"k\"", F(1)}}, kNow}},
      {"field_key_unicode", "m 🚀=1", Point{"m", {}, {{"🚀", F(1)}}, kNow}},

      // String field values.
      {"string_escaped_quote", R"(m v="say \"hi\"")",
       Point{"m", {}, {{"v", S("say \"hi\"")}}, kNow}},
      {"string_escaped_backslash", R"(m v="a\\b")",
       Point{"m", {}, {{"v", S("a\\b")}}, kNow}},
      {"string_lone_backslash_literal", R"(m v="a\b")",
       Point{"m", {}, {{"v", S("a\\b")}}, kNow}},
      {"string_backslash_then_quote", R"(m v="a\\\"b")",
       Point{"m", {}, {{"v", S("a\\\"b")}}, kNow}},
      {"string_only_backslash", R"(m v="\\")",
       Point{"m", {}, {{"v", S("\\")}}, kNow}},
      {"string_two_backslashes", R"(m v="\\\\")",
       Point{"m", {}, {{"v", S("\\\\")}}, kNow}},
      {"string_three_backslashes_doc_rule", R"(m v="a\\\b")",
       Point{"m", {}, {{"v", S("a\\\\b")}}, kNow}},
      {"string_delimiters_inside", R"(m v="a, b=c d#e",w=1)",
       Point{"m", {}, {{"v", S("a, b=c d#e")}, {"w", F(1)}}, kNow}},
      {"string_empty", R"(m v="")", Point{"m", {}, {{"v", S("")}}, kNow}},
      {"string_unicode_and_tab", "m v=\"héllo\twörld ⚡\"",
       Point{"m", {}, {{"v", S("héllo\twörld ⚡")}}, kNow}},
      {"string_then_timestamp", R"(m v="x" 5)",
       Point{"m", {}, {{"v", S("x")}}, 5}},

      // Floats.
      {"float_negative", "m v=-1.5", Point{"m", {}, {{"v", F(-1.5)}}, kNow}},
      {"float_exponent", "m v=-1.5e10",
       Point{"m", {}, {{"v", F(-1.5e10)}}, kNow}},
      {"float_negative_exponent", "m v=1e-3",
       Point{"m", {}, {{"v", F(1e-3)}}, kNow}},
      {"float_leading_dot", "m v=.5", Point{"m", {}, {{"v", F(0.5)}}, kNow}},
      {"float_negative_leading_dot", "m v=-.5",
       Point{"m", {}, {{"v", F(-0.5)}}, kNow}},
      {"float_trailing_dot", "m v=5.", Point{"m", {}, {{"v", F(5)}}, kNow}},
      {"float_zero", "m v=0", Point{"m", {}, {{"v", F(0)}}, kNow}},
      {"float_negative_zero", "m v=-0", Point{"m", {}, {{"v", F(-0.0)}}, kNow}},
      {"float_leading_zeros", "m v=007.50",
       Point{"m", {}, {{"v", F(7.5)}}, kNow}},
      {"float_max", "m v=1.7976931348623157e308",
       Point{"m", {}, {{"v", F(1.7976931348623157e308)}}, kNow}},
      {"float_min_subnormal", "m v=4.9e-324",
       Point{"m", {}, {{"v", F(4.9e-324)}}, kNow}},
      {"float_underflow_is_zero", "m v=1e-400,w=-1e-400",
       Point{"m", {}, {{"v", F(0.0)}, {"w", F(-0.0)}}, kNow}},
      {"float_long_mantissa", "m v=0.1000000000000000055511151231257827",
       Point{"m", {}, {{"v", F(0.1)}}, kNow}},

      // Integers and unsigned.
      {"int_zero", "m v=0i", Point{"m", {}, {{"v", I(0)}}, kNow}},
      {"int_negative", "m v=-42i", Point{"m", {}, {{"v", I(-42)}}, kNow}},
      {"int_leading_zeros", "m v=007i", Point{"m", {}, {{"v", I(7)}}, kNow}},
      {"int_max", "m v=9223372036854775807i",
       Point{"m", {}, {{"v", I(kI64Max)}}, kNow}},
      {"int_min", "m v=-9223372036854775808i",
       Point{"m", {}, {{"v", I(kI64Min)}}, kNow}},
      {"uint_zero", "m v=0u", Point{"m", {}, {{"v", U(0)}}, kNow}},
      {"uint_max", "m v=18446744073709551615u",
       Point{"m", {}, {{"v", U(kU64Max)}}, kNow}},

      // Every boolean spelling.
      {"bools",
       "m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE",
       Point{"m",
             {},
             {{"a", B(true)},
              {"b", B(true)},
              {"c", B(true)},
              {"d", B(true)},
              {"e", B(true)},
              {"f", B(false)},
              {"g", B(false)},
              {"h", B(false)},
              {"i", B(false)},
              {"j", B(false)}},
             kNow}},

      // Duplicate field keys: last value wins, at the first position.
      {"duplicate_field_last_wins", "m v=1,w=2,v=3i",
       Point{"m", {}, {{"v", I(3)}, {"w", F(2)}}, kNow}},
      {"duplicate_field_after_escape", R"(m a\ b=1,a\ b=2)",
       Point{"m", {}, {{"a b", F(2)}}, kNow}},

      // Timestamps and precision.
      {"ts_zero", "m v=1 0", Point{"m", {}, {{"v", F(1)}}, 0}},
      {"ts_negative", "m v=1 -1465839830100400200",
       Point{"m", {}, {{"v", F(1)}}, -1465839830100400200}},
      {"ts_max", "m v=1 9223372036854775806",
       Point{"m", {}, {{"v", F(1)}}, kMaxPointTime}},
      {"ts_min", "m v=1 -9223372036854775806",
       Point{"m", {}, {{"v", F(1)}}, kMinPointTime}},
      {"ts_seconds", "m v=1 1700000000",
       Point{"m", {}, {{"v", F(1)}}, 1'700'000'000'000'000'000}, P::kSeconds},
      {"ts_millis", "m v=1 -1700000000123",
       Point{"m", {}, {{"v", F(1)}}, -1'700'000'000'123'000'000},
       P::kMilliseconds},
      {"ts_micros", "m v=1 1700000000123456",
       Point{"m", {}, {{"v", F(1)}}, 1'700'000'000'123'456'000},
       P::kMicroseconds},
      {"ts_seconds_largest", "m v=1 9223372036",
       Point{"m", {}, {{"v", F(1)}}, 9'223'372'036'000'000'000}, P::kSeconds},
      {"default_time_ns", "m v=1", Point{"m", {}, {{"v", F(1)}}, kNow}},
      {"default_time_truncated_to_seconds", "m v=1",
       Point{"m", {}, {{"v", F(1)}}, 1'700'000'000'000'000'000}, P::kSeconds},
      {"default_time_truncated_to_ms", "m v=1",
       Point{"m", {}, {{"v", F(1)}}, 1'700'000'000'123'000'000},
       P::kMilliseconds},

      // Whitespace.
      {"leading_whitespace", " \t m v=1", Point{"m", {}, {{"v", F(1)}}, kNow}},
      {"many_separators", "m,k=v  \t v=1 \t  7",
       Point{"m", {{"k", "v"}}, {{"v", F(1)}}, 7}},
      {"trailing_whitespace", "m v=1 7 \t ", Point{"m", {}, {{"v", F(1)}}, 7}},
      {"trailing_whitespace_no_ts", "m v=1  ",
       Point{"m", {}, {{"v", F(1)}}, kNow}},
      {"crlf", "m v=1 7\r\n", Point{"m", {}, {{"v", F(1)}}, 7}},
      {"crlf_no_ts", "m v=1\r\n", Point{"m", {}, {{"v", F(1)}}, kNow}},
      {"tab_inside_names", "m\tx,k\t=v\t w\tx=1",
       Point{"m\tx", {{"k\t", "v\t"}}, {{"w\tx", F(1)}}, kNow}},
      {"comment_then_point", "# a comment\n  # another\n\n  \t\nm v=1\n",
       Point{"m", {}, {{"v", F(1)}}, kNow}},

      // "time" names the timestamp: InfluxDB 1.x skips a field "time" next
      // to others. Only the exact bytes are reserved.
      {"time_field_beside_others_skipped", "m time=1,v=2 7",
       Point{"m", {}, {{"v", F(2)}}, 7}},
      {"time_fields_around_others_skipped", R"(m time="x",v=2,time=3i,w=t 7)",
       Point{"m", {}, {{"v", F(2)}, {"w", B(true)}}, 7}},
      {"time_capitalised_is_a_name", "m,Time=x Time=1 7",
       Point{"m", {{"Time", "x"}}, {{"Time", F(1)}}, 7}},
      {"time_with_escape_is_a_name", R"(m t\ime=1 7)",
       Point{"m", {}, {{"t\\ime", F(1)}}, 7}},
      {"time_as_measurement_and_tag_value", "time,k=time v=1 7",
       Point{"time", {{"k", "time"}}, {{"v", F(1)}}, 7}},
  };
}

void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << c.name << ": " << c.input;
}

class ValidLineTest : public testing::TestWithParam<ValidCase> {};

TEST_P(ValidLineTest, ParsesToExpectedPoint) {
  const ValidCase& c = GetParam();
  ParsedBatch got = ParseAll(c.input, Opts(c.precision));
  ASSERT_TRUE(got.errors.empty()) << testing::PrintToString(got.errors[0]);
  ASSERT_EQ(got.points.size(), 1u);
  EXPECT_EQ(got.points[0], c.want);
}

INSTANTIATE_TEST_SUITE_P(Conformance, ValidLineTest,
                         testing::ValuesIn(ValidCases()),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// Invalid input: the exact error and its position.

struct ErrorCase {
  const char* name;
  std::string input;
  size_t line;
  size_t column;
  std::string reason;
  LineProtocolOptions options = Opts();
};

LineProtocolOptions With(void (*edit)(LineProtocolOptions*)) {
  LineProtocolOptions o = Opts();
  edit(&o);
  return o;
}

std::vector<ErrorCase> ErrorCases() {
  const auto bad_value = [](std::string v) {
    return "invalid field value " + v + " for field \"v\"";
  };
  return {
      // Key section.
      {"measurement_only", "cpu", 1, 4, "missing field set"},
      {"tags_only", "cpu,host=a", 1, 11, "missing field set"},
      {"measurement_trailing_space", "cpu  ", 1, 4, "missing field set"},
      {"missing_measurement", ",host=a v=1", 1, 1, "missing measurement"},
      {"empty_tag_key_space", "cpu, v=1", 1, 5, "missing tag key"},
      {"empty_tag_key_equals", "cpu,=a v=1", 1, 5, "missing tag key"},
      {"trailing_comma_in_tags", "cpu,host=a, v=1", 1, 12, "missing tag key"},
      {"tag_without_equals", "cpu,host v=1", 1, 9,
       "missing \"=\" after tag key \"host\""},
      {"empty_tag_value", "cpu,host= v=1", 1, 10,
       "empty value for tag \"host\""},
      {"empty_tag_value_then_tag", "cpu,host=,a=b v=1", 1, 10,
       "empty value for tag \"host\""},
      {"unescaped_equals_in_tag_value", "cpu,host=a=b v=1", 1, 11,
       "unescaped \"=\" in value of tag \"host\""},
      {"duplicate_tag", "cpu,host=a,host=b v=1", 1, 12,
       "duplicate tag key \"host\""},
      {"duplicate_tag_unsorted", "cpu,b=1,a=2,b=3 v=1", 1, 13,
       "duplicate tag key \"b\""},
      {"duplicate_tag_after_unescape", R"(cpu,a\ b=1,a\ b=2 v=1)", 1, 12,
       "duplicate tag key \"a b\""},

      // Field set.
      {"missing_field_key", "cpu =1", 1, 5, "missing field key"},
      {"missing_second_field_key", "cpu v=1,=2", 1, 9, "missing field key"},
      {"trailing_comma_in_fields", "cpu v=1,", 1, 9, "missing field key"},
      {"space_after_field_comma", "cpu v=1, w=2", 1, 9, "missing field key"},
      {"field_without_equals", "cpu v", 1, 6,
       "missing \"=\" after field key \"v\""},
      {"second_field_without_equals", "cpu v=1,w", 1, 10,
       "missing \"=\" after field key \"w\""},
      {"field_without_value_eol", "cpu v=", 1, 7,
       "missing value for field \"v\""},
      {"field_without_value_comma", "cpu v=,w=1", 1, 7,
       "missing value for field \"v\""},
      {"field_without_value_space", "cpu v= 1", 1, 7,
       "missing value for field \"v\""},
      {"invalid_word", "cpu usage=abc", 1, 11,
       "invalid field value \"abc\" for field \"usage\""},
      {"third_line", "a v=1\nb v=2\ncpu,host=ab usage=abc", 3, 19,
       "invalid field value \"abc\" for field \"usage\""},
      {"two_dots", "cpu v=1.2.3", 1, 7, bad_value("\"1.2.3\"")},
      {"exponent_without_digits", "cpu v=1e", 1, 7, bad_value("\"1e\"")},
      {"exponent_sign_only", "cpu v=1e+", 1, 7, bad_value("\"1e+\"")},
      {"minus_only", "cpu v=-", 1, 7, bad_value("\"-\"")},
      {"dot_only", "cpu v=.", 1, 7, bad_value("\".\"")},
      {"minus_dot", "cpu v=-.", 1, 7, bad_value("\"-.\"")},
      {"dot_exponent", "cpu v=.e5", 1, 7, bad_value("\".e5\"")},
      {"leading_plus", "cpu v=+1", 1, 7, bad_value("\"+1\"")},
      {"double_minus", "cpu v=--1", 1, 7, bad_value("\"--1\"")},
      {"inner_minus", "cpu v=1-2", 1, 7, bad_value("\"1-2\"")},
      {"fractional_exponent", "cpu v=1e5.5", 1, 7, bad_value("\"1e5.5\"")},
      {"nan", "cpu v=NaN", 1, 7, bad_value("\"NaN\"")},
      {"nan_lower", "cpu v=nan", 1, 7, bad_value("\"nan\"")},
      {"inf", "cpu v=Inf", 1, 7, bad_value("\"Inf\"")},
      {"minus_inf", "cpu v=-inf", 1, 7, bad_value("\"-inf\"")},
      {"hex", "cpu v=0x10", 1, 7, bad_value("\"0x10\"")},
      {"digit_separator", "cpu v=1_000", 1, 7, bad_value("\"1_000\"")},
      {"float_with_i", "cpu v=1.5i", 1, 7, bad_value("\"1.5i\"")},
      {"exponent_with_i", "cpu v=1e3i", 1, 7, bad_value("\"1e3i\"")},
      {"negative_unsigned", "cpu v=-1u", 1, 7, bad_value("\"-1u\"")},
      {"two_suffixes", "cpu v=1iu", 1, 7, bad_value("\"1iu\"")},
      {"double_i", "cpu v=1ii", 1, 7, bad_value("\"1ii\"")},
      {"suffix_only", "cpu v=i", 1, 7, bad_value("\"i\"")},
      {"minus_i", "cpu v=-i", 1, 7, bad_value("\"-i\"")},
      {"bool_prefix", "cpu v=tru", 1, 7, bad_value("\"tru\"")},
      {"bool_too_long", "cpu v=truee", 1, 7, bad_value("\"truee\"")},
      {"bool_mixed_case", "cpu v=tRUE", 1, 7, bad_value("\"tRUE\"")},
      {"bool_word", "cpu v=yes", 1, 7, bad_value("\"yes\"")},
      {"single_quotes", "cpu v='a'", 1, 7, bad_value("\"'a'\"")},
      {"long_value_is_cut_in_message", "cpu v=" + std::string(70, 'x'), 1, 7,
       bad_value("\"" + std::string(64, 'x') + "...\"")},
      {"tab_is_not_a_separator_after_value", "cpu v=1\t123", 1, 7,
       bad_value("\"1\\x09123\"")},
      {"int_overflow", "cpu v=9223372036854775808i", 1, 7,
       "integer value \"9223372036854775808i\" out of range for field \"v\""},
      {"int_underflow", "cpu v=-9223372036854775809i", 1, 7,
       "integer value \"-9223372036854775809i\" out of range for field \"v\""},
      {"int_huge", "cpu v=99999999999999999999999i", 1, 7,
       "integer value \"99999999999999999999999i\" out of range for field "
       "\"v\""},
      {"uint_overflow", "cpu v=18446744073709551616u", 1, 7,
       "unsigned value \"18446744073709551616u\" out of range for field "
       "\"v\""},
      {"float_overflow", "cpu v=1e309", 1, 7,
       "float value \"1e309\" out of range for field \"v\""},
      {"float_negative_overflow", "cpu v=-1.8e308", 1, 7,
       "float value \"-1.8e308\" out of range for field \"v\""},
      {"float_huge_exponent", "cpu v=0.001e99999999999999999999", 1, 7,
       "float value \"0.001e99999999999999999999\" out of range for field "
       "\"v\""},
      {"unterminated_string", "cpu v=\"abc", 1, 7,
       "unterminated string value for field \"v\""},
      {"unterminated_escaped_quote", R"(cpu v="abc\")", 1, 7,
       "unterminated string value for field \"v\""},
      {"newline_ends_string", "cpu v=\"a\nb\"", 1, 7,
       "unterminated string value for field \"v\""},
      {"text_after_string", R"(cpu v="a"b)", 1, 10,
       "unexpected text after string value of field \"v\""},

      // Timestamp.
      {"ts_letters", "cpu v=1 12a", 1, 9, "invalid timestamp \"12a\""},
      {"ts_quoted", R"(cpu v=1 "123")", 1, 9,
       "invalid timestamp \"\\\"123\\\"\""},
      {"ts_float", "cpu v=1 1.5", 1, 9, "invalid timestamp \"1.5\""},
      {"ts_minus", "cpu v=1 -", 1, 9, "invalid timestamp \"-\""},
      {"ts_plus", "cpu v=1 +5", 1, 9, "invalid timestamp \"+5\""},
      {"ts_int64_max_reserved", "cpu v=1 9223372036854775807", 1, 9,
       "timestamp \"9223372036854775807\" out of range"},
      {"ts_below_min", "cpu v=1 -9223372036854775807", 1, 9,
       "timestamp \"-9223372036854775807\" out of range"},
      {"ts_int64_overflow", "cpu v=1 99999999999999999999", 1, 9,
       "timestamp \"99999999999999999999\" out of range"},
      {"ts_scaled_overflow", "cpu v=1 9223372037", 1, 9,
       "timestamp \"9223372037\" out of range", Opts(Precision::kSeconds)},
      {"ts_scaled_underflow", "cpu v=1 -9223372036855", 1, 9,
       "timestamp \"-9223372036855\" out of range",
       Opts(Precision::kMilliseconds)},
      {"text_after_timestamp", "cpu v=1 123 456", 1, 13,
       "unexpected text after timestamp"},
      {"second_field_set", "cpu v=1 w=2", 1, 9, "invalid timestamp \"w=2\""},

      // Limits.
      {"line_too_long", "cpu value=12345", 1, 11, "line longer than 10 bytes",
       With([](LineProtocolOptions* o) { o->max_line_bytes = 10; })},
      {"too_many_tags", "cpu,a=1,b=2,c=3 v=1", 1, 13, "too many tags (max 2)",
       With([](LineProtocolOptions* o) { o->max_tags = 2; })},
      {"too_many_fields", "cpu a=1,b=2,c=3", 1, 13, "too many fields (max 2)",
       With([](LineProtocolOptions* o) { o->max_fields = 2; })},
      {"series_key_too_long", "cpu,host=abcdef v=1", 1, 1,
       "series key longer than 14 bytes",
       With([](LineProtocolOptions* o) { o->max_key_bytes = 14; })},
      {"series_key_counts_escapes", R"(a\\b v=1)", 1, 1,
       "series key longer than 3 bytes",
       With([](LineProtocolOptions* o) { o->max_key_bytes = 3; })},
      {"field_key_too_long", "cpu abcd=1", 1, 5,
       "field key longer than 3 bytes",
       With([](LineProtocolOptions* o) { o->max_key_bytes = 3; })},

      // Positions count leading whitespace, comments and CRLF lines.
      {"column_after_leading_blanks", "  \tcpu", 1, 7, "missing field set"},
      {"line_after_comments", "# c\r\n\r\nm v=1\r\n  m v=x\r\n", 4, 7,
       "invalid field value \"x\" for field \"v\""},

      // "time" names the timestamp (InfluxDB 1.x refuses these points).
      {"time_only_field", "m time=1 7", 1, 3,
       "invalid field name \"time\": it names the timestamp and the point "
       "has no other field"},
      {"time_only_fields_repeated", "m,k=v time=1,time=2i", 1, 7,
       "invalid field name \"time\": it names the timestamp and the point "
       "has no other field"},
      {"time_tag_key", "m,a=1,time=x v=1 7", 1, 7,
       "invalid tag key \"time\": it names the timestamp"},
      {"time_tag_key_sorted_last", "m,time=x,zz=1 time=1", 1, 3,
       "invalid tag key \"time\": it names the timestamp"},
      {"time_field_value_still_checked", "m time=x,v=1", 1, 8,
       "invalid field value \"x\" for field \"time\""},
  };
}

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.name << ": " << c.input;
}

class ErrorLineTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorLineTest, ReportsExactPlace) {
  const ErrorCase& c = GetParam();
  LineProtocolParser parser(c.input, c.options);
  ParsedPoint p;
  while (parser.Next(&p)) {
  }
  ASSERT_EQ(parser.errors().size(), 1u);
  EXPECT_EQ(parser.errors()[0],
            (LineProtocolError{c.line, c.column, c.reason}));
  EXPECT_EQ(parser.status(),
            absl::InvalidArgumentError(absl::StrFormat(
                "line %d, column %d: %s", c.line, c.column, c.reason)));
}

INSTANTIATE_TEST_SUITE_P(Conformance, ErrorLineTest,
                         testing::ValuesIn(ErrorCases()),
                         [](const auto& info) { return info.param.name; });

TEST(LineProtocolLimits, AtTheLimitIsAccepted) {
  LineProtocolOptions o = Opts();
  o.max_line_bytes = 15;
  o.max_tags = 3;
  o.max_fields = 2;
  o.max_key_bytes = 9;
  // Key "cpu,a=1" is 7 bytes; the line is 15 bytes plus a CR, which counts
  // toward the limit as part of the physical line.
  EXPECT_EQ(ParseAll("cpu,a=1 v=1,w=2", o).points.size(), 1u);
  EXPECT_EQ(ParseAll("cpu,a=1 v=1,w=2\r", o).error_count, 1u);
  // "a\\b" re-escapes to 4 bytes, within 9.
  EXPECT_EQ(ParseAll(R"(a\\b v=1)", o).points.size(), 1u);
  // Duplicates count toward max_fields before they are merged.
  EXPECT_EQ(ParseAll("m v=1,v=2", o).points.size(), 1u);
  EXPECT_EQ(ParseAll("m v=1,v=2,v=3", o).error_count, 1u);
}

// ---------------------------------------------------------------------------
// Streams: line numbers, skip mode, stop mode.

TEST(LineProtocolParser, EmptyAndBlankInputs) {
  for (std::string_view in : {"", "\n", "\n\n\r\n", "   \t  ", "# only\n#x"}) {
    ParsedBatch b = ParseAll(in, Opts());
    EXPECT_TRUE(b.points.empty()) << in;
    EXPECT_TRUE(b.errors.empty()) << in;
  }
}

TEST(LineProtocolParser, ReportsLineOfEachPoint) {
  const std::string in =
      "# header\r\n"
      "a v=1\r\n"
      "\n"
      "   \n"
      "b v=2\n"
      "  # indented comment\n"
      "c v=3";  // no final newline
  LineProtocolParser parser(in, Opts());
  ParsedPoint p;
  std::vector<std::pair<std::string, size_t>> got;
  while (parser.Next(&p)) got.emplace_back(std::string(p.measurement), p.line);
  EXPECT_TRUE(parser.status().ok());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, size_t>>{
                     {"a", 2}, {"b", 5}, {"c", 7}}));
  EXPECT_EQ(parser.lines_read(), 7u);
}

const char kMixed[] =
    "m v=1 1\n"    // 1 ok
    "m v= 2\n"     // 2 bad, column 5
    "m v=3 3\n"    // 3 ok
    "# comment\n"  // 4
    "m,=x v=4\n"   // 5 bad, column 3
    "m v=5 5\n"    // 6 ok
    "\n"           // 7
    "m v=\"x 6\n"  // 8 bad, column 5
    "m v=7 7\n";   // 9 ok

TEST(LineProtocolParser, SkipInvalidReportsEveryBadLine) {
  LineProtocolOptions o = Opts();
  o.skip_invalid = true;
  LineProtocolParser parser(kMixed, o);
  ParsedPoint p;
  std::vector<Timestamp> ts;
  while (parser.Next(&p)) ts.push_back(p.timestamp);
  EXPECT_EQ(ts, (std::vector<Timestamp>{1, 3, 5, 7}));
  EXPECT_TRUE(parser.status().ok());
  EXPECT_EQ(parser.error_count(), 3u);
  EXPECT_EQ(parser.errors(),
            (std::vector<LineProtocolError>{
                {2, 5, "missing value for field \"v\""},
                {5, 3, "missing tag key"},
                {8, 5, "unterminated string value for field \"v\""}}));
}

TEST(LineProtocolParser, StopsAtFirstBadLine) {
  LineProtocolParser parser(kMixed, Opts());
  ParsedPoint p;
  ASSERT_TRUE(parser.Next(&p));
  EXPECT_EQ(p.timestamp, 1);
  EXPECT_FALSE(parser.Next(&p));
  EXPECT_EQ(parser.status(),
            absl::InvalidArgumentError(
                "line 2, column 5: missing value for field \"v\""));
  // Stays stopped.
  EXPECT_FALSE(parser.Next(&p));
  EXPECT_EQ(parser.error_count(), 1u);

  ParsedBatch b = ParseAll(kMixed, Opts());
  EXPECT_EQ(b.points.size(), 1u);
  EXPECT_EQ(b.errors.size(), 1u);
}

TEST(LineProtocolParser, MaxErrorsBoundsTheList) {
  std::string in;
  for (int i = 0; i < 50; ++i) in += "bad\nm v=1\n";
  LineProtocolOptions o = Opts();
  o.skip_invalid = true;
  o.max_errors = 3;
  ParsedBatch b = ParseAll(in, o);
  EXPECT_EQ(b.points.size(), 50u);
  EXPECT_EQ(b.error_count, 50u);
  ASSERT_EQ(b.errors.size(), 3u);
  EXPECT_EQ(b.errors[2].line, 5u);
}

TEST(LineProtocolParser, OverlongLineIsSkippedWhole) {
  LineProtocolOptions o = Opts();
  o.skip_invalid = true;
  o.max_line_bytes = 64;
  const std::string in = "a v=1\n" + std::string(1000, 'x') + " v=1\nb v=2";
  ParsedBatch b = ParseAll(in, o);
  ASSERT_EQ(b.points.size(), 2u);
  EXPECT_EQ(b.points[1].measurement, "b");
  EXPECT_EQ(
      b.errors,
      (std::vector<LineProtocolError>{{2, 65, "line longer than 64 bytes"}}));
}

TEST(LineProtocolParser, ViewsPointIntoInputUnlessUnescaped) {
  const std::string in =
      "cpu,host=a v=\"plain\"\n"
      R"(c\ pu,h\=ost=a\,b v="q\"d")";
  LineProtocolParser parser(in, Opts());
  ParsedPoint p;
  const auto inside = [&](std::string_view s) {
    return s.data() >= in.data() &&
           s.data() + s.size() <= in.data() + in.size();
  };
  ASSERT_TRUE(parser.Next(&p));
  EXPECT_TRUE(inside(p.measurement));
  EXPECT_TRUE(inside(p.tags[0].key));
  EXPECT_TRUE(inside(p.fields[0].value.string_value()));
  ASSERT_TRUE(parser.Next(&p));
  EXPECT_EQ(p.measurement, "c pu");
  EXPECT_FALSE(inside(p.measurement));
  EXPECT_EQ(p.tags[0], (TagView{"h=ost", "a,b"}));
  EXPECT_EQ(p.fields[0].value.string_value(), "q\"d");
  EXPECT_FALSE(inside(p.fields[0].value.string_value()));
}

TEST(LineProtocolParser, ManyDuplicateFieldsUseTheMap) {
  // More fields than the pairwise check handles, with repeats.
  std::string in = "m ";
  Point want{"m", {}, {}, kNow};
  for (int i = 0; i < 100; ++i) {
    const int k = i % 40;
    if (i > 0) in += ",";
    in += absl::StrFormat("f%d=%di", k, i);
    if (i < 40)
      want.fields.push_back({absl::StrFormat("f%d", k), I(i)});
    else
      want.fields[k].value = I(i);
  }
  ParsedBatch b = ParseAll(in, Opts());
  ASSERT_EQ(b.points.size(), 1u);
  EXPECT_EQ(b.points[0], want);
}

// ---------------------------------------------------------------------------
// Precision.

TEST(Precision, ParsesNames) {
  struct Case {
    std::string_view name;
    Precision want;
  };
  for (const Case& c :
       {Case{"ns", Precision::kNanoseconds}, Case{"n", Precision::kNanoseconds},
        Case{"us", Precision::kMicroseconds},
        Case{"u", Precision::kMicroseconds},
        Case{"ms", Precision::kMilliseconds}, Case{"s", Precision::kSeconds}}) {
    absl::StatusOr<Precision> p = ParsePrecision(c.name);
    ASSERT_TRUE(p.ok()) << c.name;
    EXPECT_EQ(*p, c.want) << c.name;
  }
  for (std::string_view bad : {"", "m", "h", "NS", "sec", "mss"}) {
    EXPECT_EQ(ParsePrecision(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(PrecisionMultiplier(Precision::kNanoseconds), 1);
  EXPECT_EQ(PrecisionMultiplier(Precision::kMicroseconds), 1'000);
  EXPECT_EQ(PrecisionMultiplier(Precision::kMilliseconds), 1'000'000);
  EXPECT_EQ(PrecisionMultiplier(Precision::kSeconds), 1'000'000'000);
}

TEST(Precision, DefaultTimeIsFlooredToPrecision) {
  struct Case {
    Timestamp now;
    Precision precision;
    Timestamp want;
  };
  for (const Case& c : {
           Case{-1, Precision::kSeconds, -1'000'000'000},
           Case{-1'000'000'000, Precision::kSeconds, -1'000'000'000},
           Case{1'999'999'999, Precision::kSeconds, 1'000'000'000},
           Case{kI64Min, Precision::kSeconds, -9'223'372'036'000'000'000},
           Case{kI64Max, Precision::kSeconds, 9'223'372'036'000'000'000},
           Case{kI64Max, Precision::kNanoseconds, kMaxPointTime},
           Case{kI64Min, Precision::kNanoseconds, kMinPointTime},
       }) {
    LineProtocolOptions o = Opts(c.precision);
    o.default_time_ns = c.now;
    ParsedBatch b = ParseAll("m v=1", o);
    ASSERT_EQ(b.points.size(), 1u);
    EXPECT_EQ(b.points[0].timestamp, c.want) << c.now;
  }
}

// ---------------------------------------------------------------------------
// Series keys.

TEST(SeriesKey, CanonicalForm) {
  struct Case {
    std::string input;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {"cpu v=1", "cpu"},
           {"cpu,region=w,host=a v=1", "cpu,host=a,region=w"},
           {R"(c\ p\,u,k\ 1=v\=1 v=1)", R"(c\ p\,u,k\ 1=v\=1)"},
           {R"(a=b\=c v=1)", R"(a=b\\=c)"},  // "\=" is literal here
           {R"(c\pu,k=a\b v=1)", R"(c\\pu,k=a\\b)"},
           {R"(cpu\\,k=\\ v=1)", R"(cpu\\,k=\\)"},
       }) {
    ParsedBatch b = ParseAll(c.input, Opts());
    ASSERT_EQ(b.points.size(), 1u) << c.input;
    std::string key;
    AppendSeriesKey(b.points[0], &key);
    EXPECT_EQ(key, c.want) << c.input;

    LineProtocolParser parser(c.input, Opts());
    ParsedPoint view;
    ASSERT_TRUE(parser.Next(&view));
    std::string view_key = "prefix:";
    AppendSeriesKey(view, &view_key);
    EXPECT_EQ(view_key, "prefix:" + c.want);

    std::string m;
    std::vector<Tag> tags;
    ASSERT_TRUE(ParseSeriesKey(key, &m, &tags).ok()) << key;
    EXPECT_EQ(m, b.points[0].measurement);
    EXPECT_EQ(tags, b.points[0].tags);
  }
}

// Line protocol refuses a tag "time", but keys stored before that rule
// must still parse.
TEST(SeriesKey, TimeTagInAStoredKeyStillParses) {
  std::string m;
  std::vector<Tag> tags;
  ASSERT_TRUE(ParseSeriesKey("m,time=x", &m, &tags).ok());
  EXPECT_EQ(m, "m");
  EXPECT_EQ(tags, (std::vector<Tag>{{"time", "x"}}));
}

TEST(SeriesKey, SortsUnsortedOwnedTags) {
  Point p{"m", {{"z", "1"}, {"a", "2"}}, {{"v", F(1)}}, 0};
  std::string key;
  AppendSeriesKey(p, &key);
  EXPECT_EQ(key, "m,a=2,z=1");
}

TEST(SeriesKey, RejectsMalformedKeys) {
  struct Case {
    std::string key;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "series key, column 1: missing measurement"},
           {",a=b", "series key, column 1: missing measurement"},
           {"cpu,a", "series key, column 6: missing \"=\" after tag key \"a\""},
           {"cpu,a=", "series key, column 7: empty value for tag \"a\""},
           {"cpu,a=1,a=2", "series key, column 9: duplicate tag key \"a\""},
           {"cpu v=1", "series key, column 4: unescaped space in series key"},
       }) {
    std::string m;
    std::vector<Tag> tags;
    EXPECT_EQ(ParseSeriesKey(c.key, &m, &tags),
              absl::InvalidArgumentError(c.message))
        << c.key;
  }
}

// ---------------------------------------------------------------------------
// Formatter.

TEST(FormatPoint, WritesCanonicalLines) {
  Point p{"c p,u=x",
          {{"a,b", "c=d"}, {"host", "h\\1"}},
          {{"f 1", F(0.1 + 0.2)},
           {"i", I(kI64Min)},
           {"u", U(kU64Max)},
           {"b", B(false)},
           {"s", S("say \"hi\", \\o/")},
           {"e", F(1e300)},
           {"z", F(-0.0)}},
          1'700'000'000'000'000'000};
  std::string out;
  ASSERT_TRUE(FormatPoint(p, &out).ok());
  EXPECT_EQ(out, R"(c\ p\,u=x,a\,b=c\=d,host=h\\1 f\ 1=0.30000000000000004,)"
                 R"(i=-9223372036854775808i,u=18446744073709551615u,b=false,)"
                 R"(s="say \"hi\", \\o/",e=1e+300,z=-0 1700000000000000000)"
                 "\n");
  out.clear();
  ASSERT_TRUE(FormatPoint(p, &out, Precision::kSeconds).ok());
  EXPECT_TRUE(out.ends_with(" 1700000000\n")) << out;
}

TEST(FormatPoint, RejectsWhatCannotRoundTrip) {
  const Point good{"m", {{"k", "v"}}, {{"f", F(1)}}, 1'000'000'000};
  struct Case {
    const char* name;
    void (*edit)(Point*);
    std::string message;
    Precision precision = Precision::kNanoseconds;
  };
  const Case cases[] = {
      {"empty_measurement", [](Point* p) { p->measurement = ""; },
       "empty measurement"},
      {"comment_measurement", [](Point* p) { p->measurement = "#m"; },
       "measurement starts with '#'"},
      {"tab_measurement", [](Point* p) { p->measurement = "\tm"; },
       "measurement starts with a tab"},
      {"newline_measurement", [](Point* p) { p->measurement = "a\nb"; },
       "newline in measurement"},
      {"empty_tag_key", [](Point* p) { p->tags[0].key = ""; }, "empty tag key"},
      {"empty_tag_value", [](Point* p) { p->tags[0].value = ""; },
       "empty value for tag \"k\""},
      {"newline_tag", [](Point* p) { p->tags[0].value = "\n"; },
       "newline in tag"},
      {"no_fields", [](Point* p) { p->fields.clear(); }, "no fields"},
      {"empty_field_key", [](Point* p) { p->fields[0].key = ""; },
       "empty field key"},
      {"tab_field_key", [](Point* p) { p->fields[0].key = "\tf"; },
       "first field key starts with a tab"},
      {"newline_field_key", [](Point* p) { p->fields[0].key = "f\n"; },
       "newline in field key"},
      {"nan", [](Point* p) { p->fields[0].value = F(std::nan("")); },
       "field \"f\" is NaN or infinite"},
      {"inf",
       [](Point* p) {
         p->fields[0].value = F(-std::numeric_limits<double>::infinity());
       },
       "field \"f\" is NaN or infinite"},
      {"newline_string", [](Point* p) { p->fields[0].value = S("a\nb"); },
       "newline in value of field \"f\""},
      {"ts_reserved", [](Point* p) { p->timestamp = kI64Max; },
       "timestamp 9223372036854775807 out of range"},
      {"ts_not_multiple", [](Point* p) { p->timestamp = 1'500'000'000; },
       "timestamp 1500000000 is not a multiple of 1000000000 ns",
       Precision::kSeconds},
  };
  std::string out;
  ASSERT_TRUE(FormatPoint(good, &out, Precision::kSeconds).ok());
  EXPECT_EQ(out, "m,k=v f=1 1\n");
  for (const Case& c : cases) {
    Point p = good;
    c.edit(&p);
    std::string kept = "keep";
    EXPECT_EQ(FormatPoint(p, &kept, c.precision),
              absl::InvalidArgumentError("cannot format point: " + c.message))
        << c.name;
    EXPECT_EQ(kept, "keep") << c.name;
  }
}

// ---------------------------------------------------------------------------
// Property: random point -> FormatPoint -> parse == the point.

std::string RandomText(Random& rnd, size_t max_len) {
  static const char* const kPieces[] = {
      "a", "b",    "Z",    "0",    "7",    "_",   "-",    ".",  ",",
      " ", "=",    "\\",   "\"",   "#",    "'",   "\t",   "\r", "é",
      "⚡", "🚀",    "\\\\", "\\,",  "\\ ",  "\\=", "\\\"", "i",  "u",
      "e", "true", "1",    "\x01", "\x7f", "\xff"};
  const size_t len = rnd.Uniform(max_len + 1);
  std::string s;
  for (size_t i = 0; i < len; ++i) {
    s += kPieces[rnd.Uniform(sizeof(kPieces) / sizeof(kPieces[0]))];
  }
  return s;
}

// Names the formatter accepts: non-empty, and no leading '#' or tab where
// the line grammar would read those as comment or whitespace.
std::string RandomName(Random& rnd, bool no_leading_hash_or_tab) {
  while (true) {
    std::string s = RandomText(rnd, 6);
    if (s.empty()) continue;
    if (no_leading_hash_or_tab && (s[0] == '#' || s[0] == '\t')) continue;
    return s;
  }
}

double RandomDouble(Random& rnd) {
  switch (rnd.Uniform(6)) {
    case 0: {
      static const double kSpecial[] = {0.0,
                                        -0.0,
                                        1.0,
                                        -1.0,
                                        0.1,
                                        1e-300,
                                        5e-324,
                                        -5e-324,
                                        std::numeric_limits<double>::max(),
                                        std::numeric_limits<double>::lowest(),
                                        std::numeric_limits<double>::min(),
                                        123456789012345680000.0};
      return kSpecial[rnd.Uniform(sizeof(kSpecial) / sizeof(kSpecial[0]))];
    }
    case 1:
      return static_cast<double>(static_cast<int64_t>(rnd.Next()) >> 20);
    case 2:
      return (rnd.NextDouble() - 0.5) * 200;
    default: {
      // Any finite bit pattern.
      while (true) {
        uint64_t bits = rnd.Next();
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        if (std::isfinite(d)) return d;
      }
    }
  }
}

FieldValue RandomValue(Random& rnd) {
  switch (rnd.Uniform(5)) {
    case 0:
      return F(RandomDouble(rnd));
    case 1:
      switch (rnd.Uniform(4)) {
        case 0:
          return I(kI64Min);
        case 1:
          return I(kI64Max);
        default:
          return I(static_cast<int64_t>(rnd.Next()) >> rnd.Uniform(64));
      }
    case 2:
      return U(rnd.OneIn(4) ? kU64Max : rnd.Next() >> rnd.Uniform(64));
    case 3:
      return B(rnd.OneIn(2));
    default:
      return S(RandomText(rnd, 10));
  }
}

Point RandomPoint(Random& rnd, Precision precision) {
  Point p;
  p.measurement = RandomName(rnd, true);
  const size_t ntags = rnd.Uniform(5);
  for (size_t i = 0; i < ntags; ++i) {
    p.tags.push_back({RandomName(rnd, false), RandomName(rnd, false)});
  }
  // Parsed tags come back sorted and unique: make the original so.
  std::sort(p.tags.begin(), p.tags.end(),
            [](const Tag& a, const Tag& b) { return a.key < b.key; });
  p.tags.erase(
      std::unique(p.tags.begin(), p.tags.end(),
                  [](const Tag& a, const Tag& b) { return a.key == b.key; }),
      p.tags.end());
  const size_t nfields = 1 + rnd.Uniform(5);
  for (size_t i = 0; i < nfields; ++i) {
    std::string key = RandomName(rnd, i == 0);
    bool repeated = false;
    for (const Field& f : p.fields) repeated |= f.key == key;
    if (!repeated) p.fields.push_back({std::move(key), RandomValue(rnd)});
  }
  const int64_t m = PrecisionMultiplier(precision);
  const Timestamp units =
      static_cast<Timestamp>(rnd.Next()) / m;  // keeps ts * m in range
  p.timestamp =
      std::clamp(units * m, kMinPointTime / m * m, kMaxPointTime / m * m);
  return p;
}

TEST(LineProtocolRoundTrip, RandomPointsSurviveFormatAndParse) {
  Random rnd(20240611);
  constexpr int kCases = 5000;
  constexpr Precision kPrecisions[] = {
      Precision::kNanoseconds, Precision::kMicroseconds,
      Precision::kMilliseconds, Precision::kSeconds};
  for (int i = 0; i < kCases; ++i) {
    const Precision precision = kPrecisions[rnd.Uniform(4)];
    const Point want = RandomPoint(rnd, precision);
    std::string text;
    ASSERT_TRUE(FormatPoint(want, &text, precision).ok())
        << testing::PrintToString(want);
    ParsedBatch got = ParseAll(text, Opts(precision));
    ASSERT_TRUE(got.errors.empty())
        << text << testing::PrintToString(got.errors[0]);
    ASSERT_EQ(got.points.size(), 1u) << text;
    ASSERT_EQ(got.points[0], want) << text;

    std::string key;
    AppendSeriesKey(want, &key);
    std::string m;
    std::vector<Tag> tags;
    ASSERT_TRUE(ParseSeriesKey(key, &m, &tags).ok()) << key;
    ASSERT_EQ(m, want.measurement) << key;
    ASSERT_EQ(tags, want.tags) << key;
  }
}

TEST(LineProtocolRoundTrip, ManyPointsInOneBuffer) {
  Random rnd(7);
  std::vector<Point> want;
  std::string text;
  for (int i = 0; i < 500; ++i) {
    want.push_back(RandomPoint(rnd, Precision::kNanoseconds));
    ASSERT_TRUE(FormatPoint(want.back(), &text).ok());
    if (rnd.OneIn(5)) text += rnd.OneIn(2) ? "# comment\n" : "\n";
  }
  ParsedBatch got = ParseAll(text, Opts());
  ASSERT_TRUE(got.errors.empty()) << testing::PrintToString(got.errors[0]);
  EXPECT_EQ(got.points, want);
}

// ---------------------------------------------------------------------------
// Robustness: mutated input never crashes, and every line is accounted for.

TEST(LineProtocolFuzz, MutatedLinesAreParsedOrRejected) {
  Random rnd(99);
  static const char kBytes[] = ",= \\\"\t\r#-.eEiu0t\n";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    if (round % 2 == 0) {
      for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(
            FormatPoint(RandomPoint(rnd, Precision::kNanoseconds), &text).ok());
      }
    } else {
      // Token soup: names, delimiters and value-looking pieces.
      for (int i = 0; i < 400; ++i) {
        text += rnd.OneIn(20) ? "\n" : RandomText(rnd, 1);
      }
    }
    text += "m v=1";  // never empty
    const int edits = 1 + static_cast<int>(rnd.Uniform(30));
    for (int e = 0; e < edits; ++e) {
      const size_t at = rnd.Uniform(text.size());
      switch (rnd.Uniform(3)) {
        case 0:
          text[at] = kBytes[rnd.Uniform(sizeof(kBytes) - 1)];
          break;
        case 1:
          text.insert(at, 1, kBytes[rnd.Uniform(sizeof(kBytes) - 1)]);
          break;
        default:
          text.erase(at, 1 + rnd.Uniform(5));
          break;
      }
    }
    LineProtocolOptions o = Opts();
    o.skip_invalid = true;
    o.max_errors = 1'000'000;
    LineProtocolParser parser(text, o);
    ParsedPoint p;
    size_t points = 0;
    while (parser.Next(&p)) {
      ++points;
      ASSERT_FALSE(p.measurement.empty());
      ASSERT_FALSE(p.fields.empty());
      ASSERT_GE(p.timestamp, kMinPointTime);
      ASSERT_LE(p.timestamp, kMaxPointTime);
    }
    // Every non-blank, non-comment line is a point or an error.
    size_t lines = 0, content = 0;
    std::vector<size_t> lengths;
    for (size_t start = 0; start <= text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + start, end - start);
      lengths.push_back(line.size());
      // As the parser: trailing blanks and CR, then leading blanks, go.
      size_t len = line.size();
      while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
                         line[len - 1] == '\r')) {
        --len;
      }
      size_t first = 0;
      while (first < len && (line[first] == ' ' || line[first] == '\t')) {
        ++first;
      }
      if (first < len && line[first] != '#') ++content;
      ++lines;
      start = end + 1;
    }
    EXPECT_EQ(points + parser.error_count(), content) << text;
    for (const LineProtocolError& e : parser.errors()) {
      ASSERT_GE(e.line, 1u);
      ASSERT_LE(e.line, lengths.size());
      ASSERT_GE(e.column, 1u);
      ASSERT_LE(e.column, lengths[e.line - 1] + 1) << e.ToStatus();
    }
  }
}

// ---------------------------------------------------------------------------
// Throughput (printed, never asserted).

TEST(LineProtocolThroughput, TypicalTenFieldLines) {
  constexpr int kLines = 1'000'000;
  constexpr int kFields = 10;
  static const char* const kFieldNames[kFields] = {
      "usage_user",   "usage_system",    "usage_idle",    "usage_nice",
      "usage_iowait", "usage_irq",       "usage_softirq", "usage_steal",
      "usage_guest",  "usage_guest_nice"};
  Random rnd(1);
  std::string text;
  text.reserve(size_t{kLines} * 220);
  for (int i = 0; i < kLines; ++i) {
    absl::StrAppendFormat(&text, "cpu,host=host_%d,region=us-west-%d,rack=%d ",
                          rnd.Uniform(100), rnd.Uniform(4), rnd.Uniform(10));
    for (int f = 0; f < kFields; ++f) {
      absl::StrAppendFormat(&text, "%s%s=%d.%d", f ? "," : "", kFieldNames[f],
                            rnd.Uniform(100), rnd.Uniform(10));
    }
    absl::StrAppendFormat(
        &text, " %d\n",
        int64_t{1'700'000'000'000'000'000} + int64_t{i} * 10'000'000);
  }
  // CPU time as well as wall time: the machine may be shared.
  const auto cpu_now = [] {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
  };
  const double cpu_start = cpu_now();
  const auto start = std::chrono::steady_clock::now();
  LineProtocolParser parser(text, Opts());
  ParsedPoint p;
  size_t points = 0, fields = 0;
  double checksum = 0;
  while (parser.Next(&p)) {
    ++points;
    fields += p.fields.size();
    checksum += p.fields[0].value.float_value();
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const double cpu = cpu_now() - cpu_start;
  ASSERT_TRUE(parser.status().ok()) << parser.status();
  EXPECT_EQ(points, size_t{kLines});
  EXPECT_EQ(fields, size_t{kLines} * kFields);
  EXPECT_GT(checksum, 0);
  std::printf(
      "line protocol parse: %zu points, %.1f MB: wall %.3f s, cpu %.3f s; "
      "per cpu second %.2fM points, %.1fM fields, %.0f MB\n",
      points, text.size() / 1e6, secs, cpu, points / cpu / 1e6,
      fields / cpu / 1e6, text.size() / cpu / 1e6);
}

}  // namespace
}  // namespace strata
