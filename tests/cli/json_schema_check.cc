// JsonSchemaCheck: the JSON Schema subset checker of the CLI tests.
#include "json_schema_check.h"

#include <cstdint>
#include <string>

namespace strata::cli_test {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return n;
}

bool AsDouble(simdjson::dom::element v, double* d) {
  if (v.is_int64()) {
    *d = static_cast<double>(int64_t(v));
  } else if (v.is_uint64()) {
    *d = static_cast<double>(uint64_t(v));
  } else if (v.is_double()) {
    *d = double(v);
  } else {
    return false;
  }
  return true;
}

}  // namespace

JsonSchemaCheck::JsonSchemaCheck(const std::string& schema_path) {
  auto err = schema_parser_.load(schema_path).get(root_);
  if (err) {
    load_error_ = schema_path + ": " + simdjson::error_message(err);
  }
}

std::string JsonSchemaCheck::Validate(std::string_view json) {
  if (!ok()) return load_error_;
  simdjson::dom::element doc;
  auto err = doc_parser_.parse(json.data(), json.size()).get(doc);
  if (err) return std::string("not JSON: ") + simdjson::error_message(err);
  std::string why;
  if (!Check(root_, doc, "", &why)) return why;
  return "";
}

simdjson::dom::element JsonSchemaCheck::Resolve(simdjson::dom::element schema) {
  std::string_view ref;
  for (int hops = 0; hops < 32; ++hops) {
    if (schema["$ref"].get(ref) != simdjson::SUCCESS) return schema;
    constexpr std::string_view kDefs = "#/$defs/";
    simdjson::dom::element target;
    if (ref.substr(0, kDefs.size()) != kDefs ||
        root_["$defs"][ref.substr(kDefs.size())].get(target) !=
            simdjson::SUCCESS) {
      return schema;  // unknown reference: checked as written
    }
    schema = target;
  }
  return schema;
}

bool JsonSchemaCheck::TypeMatches(std::string_view type,
                                  simdjson::dom::element v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "null") return v.is_null();
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  return false;
}

bool JsonSchemaCheck::Check(simdjson::dom::element schema,
                            simdjson::dom::element v, const std::string& where,
                            std::string* why) {
  schema = Resolve(schema);
  auto fail = [&](const std::string& what) {
    *why = (where.empty() ? std::string("/") : where) + ": " + what;
    return false;
  };

  simdjson::dom::element type;
  if (schema["type"].get(type) == simdjson::SUCCESS) {
    bool match = false;
    if (type.is_string()) {
      match = TypeMatches(std::string_view(type), v);
    } else if (type.is_array()) {
      for (simdjson::dom::element t : simdjson::dom::array(type)) {
        if (t.is_string() && TypeMatches(std::string_view(t), v)) match = true;
      }
    }
    if (!match) {
      return fail("type is not " + simdjson::minify(type) + ": " +
                  simdjson::minify(v));
    }
  }
  simdjson::dom::element c;
  if (schema["const"].get(c) == simdjson::SUCCESS &&
      simdjson::minify(c) != simdjson::minify(v)) {
    return fail("not the constant " + simdjson::minify(c));
  }
  simdjson::dom::array choices;
  if (schema["enum"].get(choices) == simdjson::SUCCESS) {
    bool found = false;
    for (simdjson::dom::element e : choices) {
      found = found || simdjson::minify(e) == simdjson::minify(v);
    }
    if (!found) return fail("not one of " + simdjson::minify(choices));
  }

  if (v.is_object()) {
    simdjson::dom::object obj(v);
    simdjson::dom::object props;
    const bool has_props = schema["properties"].get(props) == simdjson::SUCCESS;
    simdjson::dom::array required;
    if (schema["required"].get(required) == simdjson::SUCCESS) {
      for (simdjson::dom::element r : required) {
        simdjson::dom::element member;
        if (!r.is_string() ||
            obj[std::string_view(r)].get(member) != simdjson::SUCCESS) {
          return fail("missing required member " + simdjson::minify(r));
        }
      }
    }
    uint64_t n = 0, limit = 0;
    for (auto field : obj) {
      ++n;
      (void)field;
    }
    if (schema["minProperties"].get(limit) == simdjson::SUCCESS && n < limit) {
      return fail("fewer members than minProperties");
    }
    if (schema["maxProperties"].get(limit) == simdjson::SUCCESS && n > limit) {
      return fail("more members than maxProperties");
    }
    simdjson::dom::element extra;
    const bool has_extra =
        schema["additionalProperties"].get(extra) == simdjson::SUCCESS;
    for (auto field : obj) {
      const std::string child = where + "/" + std::string(field.key);
      simdjson::dom::element sub;
      if (has_props && props[field.key].get(sub) == simdjson::SUCCESS) {
        if (!Check(sub, field.value, child, why)) return false;
      } else if (has_extra) {
        if (extra.is_bool()) {
          if (!bool(extra)) {
            return fail("member \"" + std::string(field.key) +
                        "\" is not allowed");
          }
        } else if (!Check(extra, field.value, child, why)) {
          return false;
        }
      }
    }
  }

  if (v.is_array()) {
    simdjson::dom::array arr(v);
    uint64_t limit = 0;
    if (schema["minItems"].get(limit) == simdjson::SUCCESS &&
        arr.size() < limit) {
      return fail("fewer items than minItems");
    }
    if (schema["maxItems"].get(limit) == simdjson::SUCCESS &&
        arr.size() > limit) {
      return fail("more items than maxItems");
    }
    simdjson::dom::element items;
    if (schema["items"].get(items) == simdjson::SUCCESS) {
      size_t i = 0;
      for (simdjson::dom::element e : arr) {
        if (!Check(items, e, where + "/" + std::to_string(i++), why)) {
          return false;
        }
      }
    }
  }

  if (v.is_string()) {
    const size_t len = CodePoints(std::string_view(v));
    uint64_t limit = 0;
    if (schema["minLength"].get(limit) == simdjson::SUCCESS && len < limit) {
      return fail("shorter than minLength");
    }
    if (schema["maxLength"].get(limit) == simdjson::SUCCESS && len > limit) {
      return fail("longer than maxLength");
    }
  }

  double d = 0, bound = 0;
  simdjson::dom::element b;
  if (AsDouble(v, &d)) {
    if (schema["minimum"].get(b) == simdjson::SUCCESS && AsDouble(b, &bound) &&
        d < bound) {
      return fail("below minimum");
    }
    if (schema["maximum"].get(b) == simdjson::SUCCESS && AsDouble(b, &bound) &&
        d > bound) {
      return fail("above maximum");
    }
  }
  return true;
}

}  // namespace strata::cli_test
