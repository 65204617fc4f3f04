// ToInfluxJson tests: the exact bytes InfluxDB 1.x writes (member order,
// omitted empty members, Go's float and string encoding, RFC 3339 and
// epoch times), and every output validated against
// schema/influx-json.schema.json with a small validator for the subset of
// JSON Schema that file uses.
#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "series/executor.h"
#include "series/fake_series_reader.h"
#include "series/influxql/parser.h"
#include "simdjson.h"
#include "strata/series.h"

namespace strata {
namespace {

// ---------------------------------------------------------------------------
// A validator for the schema subset: type, properties, required,
// additionalProperties, items, minItems, minProperties, minLength, minimum,
// local $ref.

class SchemaValidator {
 public:
  explicit SchemaValidator(simdjson::dom::element root) : root_(root) {}

  // Empty if valid, else the first violation with its JSON pointer.
  std::string Validate(simdjson::dom::element doc) const {
    std::string err;
    Check(root_, doc, "", &err);
    return err;
  }

 private:
  static bool HasType(simdjson::dom::element v, std::string_view t) {
    using T = simdjson::dom::element_type;
    switch (v.type()) {
      case T::OBJECT:
        return t == "object";
      case T::ARRAY:
        return t == "array";
      case T::STRING:
        return t == "string";
      case T::INT64:
      case T::UINT64:
        return t == "integer" || t == "number";
      case T::DOUBLE:
        return t == "number";
      case T::BOOL:
        return t == "boolean";
      case T::NULL_VALUE:
        return t == "null";
    }
    return false;
  }

  simdjson::dom::element Resolve(simdjson::dom::element s) const {
    std::string_view ref;
    if (s["$ref"].get(ref) != simdjson::SUCCESS) return s;
    // "#/$defs/name"
    std::string_view name = ref.substr(ref.rfind('/') + 1);
    return root_["$defs"][name];
  }

  bool Check(simdjson::dom::element schema, simdjson::dom::element v,
             const std::string& path, std::string* err) const {
    schema = Resolve(schema);
    simdjson::dom::element type;
    if (schema["type"].get(type) == simdjson::SUCCESS) {
      bool ok = false;
      if (type.is_string()) {
        ok = HasType(v, std::string_view(type));
      } else {
        for (simdjson::dom::element t : simdjson::dom::array(type)) {
          ok = ok || HasType(v, std::string_view(t));
        }
      }
      if (!ok) return Fail(path, "wrong type", err);
    }
    if (v.is_object()) {
      simdjson::dom::object obj = v;
      simdjson::dom::object props;
      const bool has_props = schema["properties"].get(props) == 0;
      simdjson::dom::array required;
      if (schema["required"].get(required) == 0) {
        for (simdjson::dom::element r : required) {
          simdjson::dom::element x;
          if (obj[std::string_view(r)].get(x) != 0) {
            return Fail(path, "missing " + std::string(std::string_view(r)),
                        err);
          }
        }
      }
      int64_t min_props;
      if (schema["minProperties"].get(min_props) == 0 &&
          static_cast<int64_t>(obj.size()) < min_props) {
        return Fail(path, "too few properties", err);
      }
      simdjson::dom::element extra;
      const bool has_extra = schema["additionalProperties"].get(extra) == 0;
      for (auto [key, value] : obj) {
        const std::string p = path + "/" + std::string(key);
        simdjson::dom::element sub;
        if (has_props && props[key].get(sub) == 0) {
          if (!Check(sub, value, p, err)) return false;
        } else if (has_extra) {
          if (extra.is_bool()) {
            if (!bool(extra)) return Fail(p, "not allowed", err);
          } else if (!Check(extra, value, p, err)) {
            return false;
          }
        }
      }
    }
    if (v.is_array()) {
      simdjson::dom::array arr = v;
      int64_t min_items;
      if (schema["minItems"].get(min_items) == 0 &&
          static_cast<int64_t>(arr.size()) < min_items) {
        return Fail(path, "too few items", err);
      }
      simdjson::dom::element items;
      if (schema["items"].get(items) == 0) {
        size_t i = 0;
        for (simdjson::dom::element e : arr) {
          if (!Check(items, e, path + "/" + std::to_string(i++), err)) {
            return false;
          }
        }
      }
    }
    if (v.is_string()) {
      int64_t min_len;
      if (schema["minLength"].get(min_len) == 0 &&
          static_cast<int64_t>(std::string_view(v).size()) < min_len) {
        return Fail(path, "too short", err);
      }
    }
    int64_t minimum;
    if (v.is_int64() && schema["minimum"].get(minimum) == 0 &&
        int64_t(v) < minimum) {
      return Fail(path, "below minimum", err);
    }
    return true;
  }

  static bool Fail(const std::string& path, const std::string& what,
                   std::string* err) {
    *err = (path.empty() ? "/" : path) + ": " + what;
    return false;
  }

  simdjson::dom::element root_;
};

class InfluxJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(
        schema_parser_
            .load(std::string(STRATA_SCHEMA_DIR) + "/influx-json.schema.json")
            .get(schema_),
        simdjson::SUCCESS);
  }
  // Empty if `json` parses and matches the schema.
  std::string Validate(const std::string& json) {
    simdjson::dom::element doc;
    if (auto e = parser_.parse(json).get(doc); e != simdjson::SUCCESS) {
      return std::string("not JSON: ") + simdjson::error_message(e);
    }
    return SchemaValidator(schema_).Validate(doc);
  }
  // Formats, checks the schema, returns the text.
  std::string Json(const QueryResult& r,
                   EpochFormat epoch = EpochFormat::kRfc3339) {
    std::string out = ToInfluxJson(r, epoch);
    EXPECT_EQ(Validate(out), "") << out;
    return out;
  }
  static QueryResult OneSeries(ResultSeries s) {
    QueryResult r;
    r.results.emplace_back();
    r.results[0].series.push_back(std::move(s));
    return r;
  }
  static ResultSeries Values(std::vector<QueryValue> row) {
    ResultSeries s;
    s.name = "m";
    s.columns = {"time"};
    for (size_t i = 1; i < row.size(); ++i) s.columns.push_back("v");
    s.values.push_back(std::move(row));
    return s;
  }

  simdjson::dom::parser schema_parser_, parser_;
  simdjson::dom::element schema_;
};

TEST_F(InfluxJsonTest, Shapes) {
  EXPECT_EQ(Json(QueryResult()), "{}");
  QueryResult r;
  r.results.emplace_back();
  EXPECT_EQ(Json(r), R"({"results":[{"statement_id":0}]})");
  r.results.emplace_back();
  r.results[1].statement_id = 1;
  r.results[1].error = absl::InvalidArgumentError("boom \"x\"");
  EXPECT_EQ(Json(r), R"({"results":[{"statement_id":0},)"
                     R"({"statement_id":1,"error":"boom \"x\""}]})");

  ResultSeries s;
  s.name = "cpu";
  s.tags = {{"host", "a"}, {"region", ""}};
  s.columns = {"time", "mean"};
  s.values = {{int64_t{1704067200000000000}, 1.5}};
  EXPECT_EQ(Json(OneSeries(s)),
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu",)"
            R"("tags":{"host":"a","region":""},"columns":["time","mean"],)"
            R"("values":[["2024-01-01T00:00:00Z",1.5]]}]}]})");
  s.tags.clear();
  s.values.push_back({int64_t{1704067200500000000}, QueryValue()});
  EXPECT_EQ(Json(OneSeries(s)),
            R"({"results":[{"statement_id":0,"series":[{"name":"cpu",)"
            R"("columns":["time","mean"],"values":[)"
            R"(["2024-01-01T00:00:00Z",1.5],)"
            R"(["2024-01-01T00:00:00.5Z",null]]}]}]})");
}

TEST_F(InfluxJsonTest, FloatsAsGoEncodesThem) {
  const std::pair<double, const char*> cases[] = {
      {1.5, "1.5"},
      {2.0, "2"},
      {-0.0, "-0"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"},
      {123456789.125, "123456789.125"},
      {1e20, "100000000000000000000"},
      {1e21, "1e+21"},
      {-2.5e22, "-2.5e+22"},
      {1e-6, "0.000001"},
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {1.5e-17, "1.5e-17"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {std::nan(""), "null"},
      {std::numeric_limits<double>::infinity(), "null"},
  };
  for (auto [d, want] : cases) {
    // Go prints 1e20 as a 21-digit integer; simdjson rejects integers past
    // uint64 (valid JSON nonetheless), so those skip the schema check.
    const QueryResult r = OneSeries(Values({int64_t{0}, d}));
    const std::string got =
        std::fabs(d) < 1e19 ? Json(r) : ToInfluxJson(r, EpochFormat::kRfc3339);
    const std::string cell = got.substr(got.find("Z\",") + 3);
    EXPECT_EQ(cell.substr(0, cell.find(']')), want) << d;
  }
}

TEST_F(InfluxJsonTest, OtherValues) {
  const std::string got = Json(OneSeries(Values(
      {int64_t{0}, std::numeric_limits<int64_t>::min(),
       std::numeric_limits<uint64_t>::max(), true, false, QueryValue(),
       std::string("a\"b\\c\n\t\r\x01<>&\xe2\x80\xa8\xe2\x80\xa9\xc3\xa9\xff"
                   "z")})));
  EXPECT_NE(got.find(R"(["1970-01-01T00:00:00Z",-9223372036854775808,)"
                     R"(18446744073709551615,true,false,null,)"
                     R"("a\"b\\c\n\t\r\u0001\u003c\u003e\u0026\u2028\u2029)"
                     "\xc3\xa9"
                     R"(\ufffdz"])"),
            std::string::npos)
      << got;
}

TEST_F(InfluxJsonTest, TimesAndEpochs) {
  ResultSeries s;
  s.name = "m";
  s.columns = {"time", "n"};
  s.values = {{int64_t{1500000000}, int64_t{7}},
              {int64_t{-1500}, int64_t{-1500}},
              {int64_t{-1}, int64_t{0}}};
  EXPECT_EQ(Json(OneSeries(s)),
            R"({"results":[{"statement_id":0,"series":[{"name":"m",)"
            R"("columns":["time","n"],"values":[)"
            R"(["1970-01-01T00:00:01.5Z",7],)"
            R"(["1969-12-31T23:59:59.9999985Z",-1500],)"
            R"(["1969-12-31T23:59:59.999999999Z",0]]}]}]})");
  const std::pair<EpochFormat, const char*> epochs[] = {
      {EpochFormat::kNanoseconds, "[[1500000000,7],[-1500,-1500],[-1,0]]"},
      {EpochFormat::kMicroseconds, "[[1500000,7],[-1,-1500],[0,0]]"},
      {EpochFormat::kMilliseconds, "[[1500,7],[0,-1500],[0,0]]"},
      {EpochFormat::kSeconds, "[[1,7],[0,-1500],[0,0]]"},
  };
  for (auto [epoch, want] : epochs) {
    const std::string got = Json(OneSeries(s), epoch);
    EXPECT_NE(got.find(std::string("\"values\":") + want), std::string::npos)
        << got;
  }
  // Only a column 0 named "time" is a time.
  s.columns = {"count"};
  s.values = {{int64_t{5}}};
  EXPECT_EQ(Json(OneSeries(s)),
            R"({"results":[{"statement_id":0,"series":[{"name":"m",)"
            R"("columns":["count"],"values":[[5]]}]}]})");
}

TEST_F(InfluxJsonTest, ExecutorOutputMatchesSchema) {
  series::testing::FakeSeriesReader reader;
  reader.SetNow(100);
  reader.AddFloat("cpu", {{"host", "a"}}, "v", 1.25, 10);
  reader.AddFloat("cpu", {{"host", "b"}}, "v", 2, 30);
  reader.Add("cpu", {{"host", "b"}}, "s", FieldValue::String("<ok>"), 30);
  QueryResult all;
  int id = 0;
  for (const char* q :
       {"SELECT * FROM cpu", "SELECT mean(v) FROM cpu GROUP BY time(20ns), *",
        "SELECT v FROM nosuch", "SELECT mean(s) FROM cpu",
        "SELECT max(v), s FROM cpu fill(linear)"}) {
    absl::StatusOr<influxql::Statement::Ptr> stmt = influxql::ParseStatement(q);
    ASSERT_TRUE(stmt.ok()) << q << ": " << stmt.status();
    StatementResult r;
    r.statement_id = id++;
    r.error = series::ExecuteSelect(*(*stmt)->As<influxql::SelectStatement>(),
                                    &reader, {}, &r);
    all.results.push_back(std::move(r));
  }
  const std::string json = Json(all);
  EXPECT_NE(json.find(R"("tags":{"host":"b"})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"statement_id":2})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("error":"unsupported mean iterator type)"),
            std::string::npos)
      << json;
}

TEST_F(InfluxJsonTest, ValidatorRejectsWrongShapes) {
  for (const char* bad : {
           R"({"results":[]})",
           R"({"results":[{"series":[]}]})",
           R"({"results":[{"statement_id":-1}]})",
           R"({"results":[{"statement_id":0,"series":[]}]})",
           R"({"results":[{"statement_id":0,"series":[{"tags":{}}]}]})",
           R"({"results":[{"statement_id":0,"series":[{"values":[[{}]]}]}]})",
           R"({"results":[{"statement_id":0,"extra":1}]})",
           R"({"results":[{"statement_id":0.5}]})",
           R"({"error":"x"})",
       }) {
    EXPECT_NE(Validate(bad), "") << bad;
  }
  EXPECT_EQ(Validate(R"({"results":[{"statement_id":0,"series":[{"name":"m",)"
                     R"("columns":["time"],"values":[["x",1,null,true]]}]}]})"),
            "");
}

}  // namespace
}  // namespace strata
