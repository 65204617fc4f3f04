// Collection and index definitions: validation, the user JSON form
// (schema/collection.schema.json), the stored form (schema/docs.md keys
// 0x20 and 0x23 .. 0x01), and the cache. Never writes to the DB itself;
// callers put the JSON produced here into their batches.
#include "docs/catalog.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/index_key.h"
#include "docs/json_value.h"
#include "util/errors.h"

namespace strata::docs {

namespace {

absl::Status Invalid(std::string_view where, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s", where, why));
}

absl::Status ValidateName(std::string_view what, std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s name must be 1 to %d bytes, got %d", what,
                        kMaxNameBytes, name.size()));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s name \"%s\" contains a control character", what, name));
    }
  }
  return absl::OkStatus();
}

// Reads member `name` of obj if present, checking its type.
const JsonValue* Member(const JsonValue& obj, std::string_view name) {
  return obj.Find(name);
}

absl::Status GetString(const JsonValue& obj, std::string_view name,
                       std::string_view where, std::string* out) {
  const JsonValue* v = Member(obj, name);
  if (v == nullptr) return absl::OkStatus();
  if (v->type() != JsonType::kString) {
    return Invalid(absl::StrFormat("%s.%s", where, name), "must be a string");
  }
  *out = v->string_value();
  return absl::OkStatus();
}

absl::Status GetBool(const JsonValue& obj, std::string_view name,
                     std::string_view where, bool* out) {
  const JsonValue* v = Member(obj, name);
  if (v == nullptr) return absl::OkStatus();
  if (v->type() != JsonType::kBool) {
    return Invalid(absl::StrFormat("%s.%s", where, name), "must be a boolean");
  }
  *out = v->bool_value();
  return absl::OkStatus();
}

absl::Status CheckMembers(const JsonValue& obj, std::string_view where,
                          std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) return Invalid(where, "must be an object");
  for (const auto& [name, value] : obj.object()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Invalid(where, absl::StrFormat("unknown member \"%s\"", name));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckVersion(const JsonValue& obj, std::string_view where) {
  const JsonValue* v = Member(obj, "format_version");
  if (v == nullptr) return absl::OkStatus();
  if (v->type() != JsonType::kInt64 || v->int_value() != kDocsFormatVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: unsupported format_version %s (this build reads %d)", where,
        ToJson(*v), kDocsFormatVersion));
  }
  return absl::OkStatus();
}

// The index-key encoding an index was built with: absent means version 1
// (written before the member existed). A newer version is refused like a
// newer format_version.
absl::Status GetKeyVersion(const JsonValue& obj, std::string_view where,
                           int* out) {
  *out = 1;
  const JsonValue* v = Member(obj, "key_version");
  if (v == nullptr) return absl::OkStatus();
  if (v->type() != JsonType::kInt64 || v->int_value() < 1) {
    return Invalid(absl::StrFormat("%s.key_version", where),
                   "must be a positive integer");
  }
  if (v->int_value() > kIndexKeyVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: unsupported index key_version %d (this build reads 1 to %d)",
        where, v->int_value(), kIndexKeyVersion));
  }
  *out = static_cast<int>(v->int_value());
  return absl::OkStatus();
}

absl::Status ParseIndexValue(const JsonValue& v, std::string_view where,
                             IndexSpec* spec, bool* ready, int* key_version) {
  if (auto st =
          CheckMembers(v, where,
                       {"format_version", "name", "paths", "unique", "multi",
                        "sparse", "covering", "state", "key_version"});
      !st.ok()) {
    return st;
  }
  if (auto st = CheckVersion(v, where); !st.ok()) return st;
  if (auto st = GetKeyVersion(v, where, key_version); !st.ok()) return st;
  if (auto st = GetString(v, "name", where, &spec->name); !st.ok()) return st;
  const JsonValue* paths = Member(v, "paths");
  if (paths == nullptr || !paths->is_array()) {
    return Invalid(absl::StrFormat("%s.paths", where),
                   "must be an array of paths");
  }
  spec->paths.clear();
  for (const JsonValue& p : paths->array()) {
    if (p.type() != JsonType::kString) {
      return Invalid(absl::StrFormat("%s.paths", where), "must hold strings");
    }
    spec->paths.push_back(p.string_value());
  }
  for (auto [name, field] :
       {std::pair{"unique", &spec->unique}, std::pair{"multi", &spec->multi},
        std::pair{"sparse", &spec->sparse},
        std::pair{"covering", &spec->covering}}) {
    if (auto st = GetBool(v, name, where, field); !st.ok()) return st;
  }
  std::string state = "ready";
  if (auto st = GetString(v, "state", where, &state); !st.ok()) return st;
  if (state != "ready" && state != "building") {
    return Invalid(absl::StrFormat("%s.state", where),
                   "must be \"building\" or \"ready\"");
  }
  *ready = state == "ready";
  return ValidateIndexSpec(*spec);
}

absl::Status ParseCollectionValue(const JsonValue& v, CollectionSpec* spec,
                                  std::vector<IndexSpec>* indexes) {
  constexpr std::string_view kWhere = "collection";
  if (auto st = CheckMembers(v, kWhere,
                             {"format_version", "name", "key", "auto_id",
                              "time", "ttl", "ttl_ns", "indexes"});
      !st.ok()) {
    return st;
  }
  if (auto st = CheckVersion(v, kWhere); !st.ok()) return st;
  if (auto st = GetString(v, "name", kWhere, &spec->name); !st.ok()) return st;
  if (auto st = GetString(v, "key", kWhere, &spec->key_path); !st.ok()) {
    return st;
  }
  if (auto st = GetBool(v, "auto_id", kWhere, &spec->auto_id); !st.ok()) {
    return st;
  }
  if (const JsonValue* t = Member(v, "time"); t != nullptr) {
    if (auto st = CheckMembers(*t, "collection.time", {"path", "unit"});
        !st.ok()) {
      return st;
    }
    if (t->Find("path") == nullptr) {
      return Invalid("collection.time", "needs a \"path\"");
    }
    if (auto st = GetString(*t, "path", "collection.time", &spec->time_path);
        !st.ok()) {
      return st;
    }
    if (auto st = GetString(*t, "unit", "collection.time", &spec->time_unit);
        !st.ok()) {
      return st;
    }
  }
  const JsonValue* ttl = Member(v, "ttl");
  const JsonValue* ttl_ns = Member(v, "ttl_ns");
  if (ttl != nullptr && ttl_ns != nullptr) {
    return Invalid(kWhere, "give \"ttl\" or \"ttl_ns\", not both");
  }
  if (ttl_ns != nullptr) ttl = ttl_ns;
  if (ttl != nullptr) {
    if (ttl->type() == JsonType::kInt64 && ttl->int_value() >= 0) {
      spec->default_ttl_ns = ttl->int_value();
    } else if (ttl->type() == JsonType::kString && ttl_ns == nullptr) {
      absl::StatusOr<int64_t> ns = ParseTtl(ttl->string_value());
      if (!ns.ok()) return Annotate(ns.status(), "collection.ttl");
      spec->default_ttl_ns = *ns;
    } else {
      return Invalid("collection.ttl",
                     "must be a duration string or a non-negative integer");
    }
  }
  if (const JsonValue* list = Member(v, "indexes"); list != nullptr) {
    if (!list->is_array()) {
      return Invalid("collection.indexes", "must be an array");
    }
    for (size_t i = 0; i < list->array().size(); ++i) {
      IndexSpec is;
      bool ready;
      int key_version;  // a new index is built in the current encoding
      if (auto st = ParseIndexValue(
              list->array()[i], absl::StrFormat("collection.indexes[%d]", i),
              &is, &ready, &key_version);
          !st.ok()) {
        return st;
      }
      indexes->push_back(std::move(is));
    }
  }
  return NormalizeCollectionSpec(spec);
}

}  // namespace

const IndexInfo* CollectionInfo::FindIndex(std::string_view name) const {
  for (const IndexInfo& ix : indexes) {
    if (ix.spec.name == name) return &ix;
  }
  return nullptr;
}

absl::Status NormalizeCollectionSpec(CollectionSpec* spec) {
  if (auto st = ValidateName("collection", spec->name); !st.ok()) return st;
  if (spec->key_path.empty()) spec->key_path = "_id";
  absl::StatusOr<JsonPath> key = JsonPath::Parse(spec->key_path);
  if (!key.ok()) return Annotate(key.status(), "collection key");
  if (spec->auto_id && key->size() != 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "auto_id needs a top-level key member, got path '%s'", spec->key_path));
  }
  if (!spec->time_path.empty()) {
    absl::StatusOr<JsonPath> t = JsonPath::Parse(spec->time_path);
    if (!t.ok()) return Annotate(t.status(), "collection time");
    if (spec->time_unit.empty()) spec->time_unit = "rfc3339";
    if (!IsValidTimeUnit(spec->time_unit)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "time unit must be rfc3339, s, ms, us or ns, got \"%s\"",
          spec->time_unit));
    }
  } else {
    spec->time_unit = "rfc3339";
  }
  if (spec->default_ttl_ns < 0) {
    return absl::InvalidArgumentError("collection ttl must not be negative");
  }
  return absl::OkStatus();
}

absl::Status ValidateIndexSpec(const IndexSpec& spec) {
  if (auto st = ValidateName("index", spec.name); !st.ok()) return st;
  if (spec.paths.empty() || spec.paths.size() > kMaxIndexPaths) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "index \"%s\" needs 1 to %d paths", spec.name, kMaxIndexPaths));
  }
  for (size_t i = 0; i < spec.paths.size(); ++i) {
    absl::StatusOr<JsonPath> p = JsonPath::Parse(spec.paths[i]);
    if (!p.ok()) {
      return Annotate(p.status(), absl::StrFormat("index \"%s\"", spec.name));
    }
    for (size_t j = 0; j < i; ++j) {
      if (spec.paths[j] == spec.paths[i]) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "index \"%s\" names path '%s' twice", spec.name, spec.paths[i]));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const CollectionInfo>> BuildCollectionInfo(
    const CollectionSpec& spec, const std::vector<IndexSpec>& indexes) {
  auto info = std::make_shared<CollectionInfo>();
  info->spec = spec;
  info->def_key = CollectionPrefix(kCollectionTag, spec.name);
  info->doc_prefix = CollectionPrefix(kDocumentTag, spec.name);
  info->doc_end = PrefixEnd(info->doc_prefix);
  info->index_base = CollectionPrefix(kIndexEntryTag, spec.name);
  info->meta_prefix = CollectionPrefix(kMetaTag, spec.name);
  if (spec.auto_id) info->id_member = spec.key_path;
  auto slot_of = [&](std::string_view dotted) -> absl::StatusOr<int> {
    for (size_t i = 0; i < info->paths.size(); ++i) {
      if (info->paths[i].dotted() == dotted) return static_cast<int>(i);
    }
    absl::StatusOr<JsonPath> p = JsonPath::Parse(dotted);
    if (!p.ok()) return p.status();
    info->paths.push_back(*std::move(p));
    return static_cast<int>(info->paths.size() - 1);
  };
  // Slot 0 is always the key, even if another path repeats it.
  absl::StatusOr<JsonPath> key = JsonPath::Parse(spec.key_path);
  if (!key.ok()) return key.status();
  info->paths.push_back(*std::move(key));
  if (!spec.time_path.empty()) {
    absl::StatusOr<int> s = slot_of(spec.time_path);
    if (!s.ok()) return s.status();
    info->time_slot = *s;
  }
  for (const IndexSpec& is : indexes) {
    IndexInfo ix;
    ix.spec = is;
    ix.prefix = IndexPrefix(spec.name, is.name);
    for (const std::string& p : is.paths) {
      absl::StatusOr<int> s = slot_of(p);
      if (!s.ok()) return s.status();
      ix.slots.push_back(*s);
    }
    info->indexes.push_back(std::move(ix));
  }
  return std::shared_ptr<const CollectionInfo>(std::move(info));
}

absl::Status ParseCollectionJson(std::string_view json, CollectionSpec* spec,
                                 std::vector<IndexSpec>* indexes) {
  JsonParseOptions po;
  po.what = "collection definition";
  po.max_bytes = 1 << 20;
  po.max_depth = 8;
  absl::StatusOr<JsonValue> v = ParseJson(json, po);
  if (!v.ok()) return v.status();
  *spec = CollectionSpec();
  indexes->clear();
  return ParseCollectionValue(*v, spec, indexes);
}

absl::StatusOr<int64_t> ParseTtl(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty duration");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (__builtin_mul_overflow(n, 10, &n) ||
          __builtin_add_overflow(n, text[i] - '0', &n)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("duration \"%s\" overflows", text));
      }
      ++i;
    }
    if (i == start) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "duration \"%s\": expected digits at offset %d", text, start));
    }
    size_t ustart = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    int64_t scale = unit == "d"    ? 86'400'000'000'000
                    : unit == "h"  ? 3'600'000'000'000
                    : unit == "m"  ? 60'000'000'000
                    : unit == "s"  ? 1'000'000'000
                    : unit == "ms" ? 1'000'000
                    : unit == "us" ? 1'000
                    : unit == "ns" ? 1
                    : unit.empty() && start == 0 && i == text.size() ? 1
                                                                     : 0;
    if (scale == 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "duration \"%s\": unknown unit \"%s\" (use d h m s ms us ns)", text,
          unit));
    }
    int64_t part;
    if (__builtin_mul_overflow(n, scale, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("duration \"%s\" overflows", text));
    }
  }
  return total;
}

std::string CollectionDefJson(const CollectionSpec& spec) {
  std::string out =
      absl::StrFormat("{\"format_version\":%d,\"name\":", kDocsFormatVersion);
  AppendJsonString(&out, spec.name);
  out += ",\"key\":";
  AppendJsonString(&out, spec.key_path);
  out += spec.auto_id ? ",\"auto_id\":true" : ",\"auto_id\":false";
  if (!spec.time_path.empty()) {
    out += ",\"time\":{\"path\":";
    AppendJsonString(&out, spec.time_path);
    out += ",\"unit\":";
    AppendJsonString(&out, spec.time_unit);
    out += "}";
  }
  if (spec.default_ttl_ns > 0) {
    out += absl::StrFormat(",\"ttl_ns\":%d", spec.default_ttl_ns);
  }
  out += "}";
  return out;
}

std::string IndexDefJson(const IndexSpec& spec, bool ready) {
  std::string out = absl::StrFormat(
      "{\"format_version\":%d,\"key_version\":%d,\"name\":", kDocsFormatVersion,
      kIndexKeyVersion);
  AppendJsonString(&out, spec.name);
  out += ",\"paths\":[";
  for (size_t i = 0; i < spec.paths.size(); ++i) {
    if (i > 0) out += ",";
    AppendJsonString(&out, spec.paths[i]);
  }
  // "covering" only when set: other definitions keep their stored bytes.
  out += absl::StrFormat(
      "],\"unique\":%s,\"multi\":%s,\"sparse\":%s%s,\"state\":\"%s\"}",
      spec.unique ? "true" : "false", spec.multi ? "true" : "false",
      spec.sparse ? "true" : "false", spec.covering ? ",\"covering\":true" : "",
      ready ? "ready" : "building");
  return out;
}

absl::StatusOr<CollectionSpec> DecodeCollectionDef(std::string_view value) {
  CollectionSpec spec;
  std::vector<IndexSpec> unused;
  absl::Status st = ParseCollectionJson(value, &spec, &unused);
  if (absl::IsFailedPrecondition(st)) return st;
  if (!st.ok()) {
    return CorruptionError("collection definition", 0,
                           std::string(st.message()));
  }
  return spec;
}

absl::StatusOr<IndexSpec> DecodeIndexDef(std::string_view value, bool* ready,
                                         int* key_version) {
  JsonParseOptions po;
  po.what = "index definition";
  po.max_depth = 4;
  absl::StatusOr<JsonValue> v = ParseJson(value, po);
  IndexSpec spec;
  int version = 1;
  absl::Status st = v.ok()
                        ? ParseIndexValue(*v, "index", &spec, ready, &version)
                        : v.status();
  if (key_version != nullptr) *key_version = version;
  if (absl::IsFailedPrecondition(st)) return st;
  if (!st.ok())
    return CorruptionError("index definition", 0, std::string(st.message()));
  return spec;
}

namespace {

// Enough combinations for any document a write accepted (doc_write.cc
// caps entries per document and index at 1000).
constexpr size_t kMaxConvertedEntries = 1000;

// The value parts (components of every path, concatenated) of a
// document's entries under the current encoding, and for each whether it
// holds an empty-array component. False if the document cannot be indexed
// so (then its old entries stay as they were).
bool EntryValuesOf(const IndexSpec& spec, const PathExtractor& ex,
                   std::vector<std::pair<std::string, bool>>* out) {
  out->assign(1, {std::string(), false});
  std::vector<std::string> comps;
  for (size_t k = 0; k < spec.paths.size(); ++k) {
    if (!IndexPathComponents(ex.values(k), spec.multi, spec.name, spec.paths[k],
                             &comps)
             .ok() ||
        (!spec.multi && comps.size() != 1) ||
        out->size() * comps.size() > kMaxConvertedEntries) {
      return false;
    }
    std::vector<std::pair<std::string, bool>> next;
    for (const auto& [prefix, has_empty] : *out) {
      for (const std::string& c : comps) {
        const bool empty =
            c.size() == 1 && static_cast<uint8_t>(c[0]) ==
                                 static_cast<uint8_t>(IndexKeyTag::kEmptyArray);
        next.emplace_back(prefix + c, has_empty || empty);
      }
    }
    out->swap(next);
  }
  return true;
}

// Whether a value part (well-formed components) holds a null component.
bool HasNullComponent(std::string_view values) {
  while (!values.empty()) {
    const size_t len = IndexComponentSize(values);
    if (len == 0) return false;
    if (static_cast<uint8_t>(values[0]) ==
        static_cast<uint8_t>(IndexKeyTag::kNull)) {
      return true;
    }
    values.remove_prefix(len);
  }
  return false;
}

}  // namespace

absl::Status ConvertIndex(DB* db, std::string_view coll, const IndexSpec& spec,
                          WriteBatch* out) {
  const std::string prefix = IndexPrefix(coll, spec.name);
  const std::string doc_prefix = CollectionPrefix(kDocumentTag, coll);
  std::vector<JsonPath> paths;
  for (const std::string& p : spec.paths) {
    absl::StatusOr<JsonPath> jp = JsonPath::Parse(p);
    if (!jp.ok()) return jp.status();
    paths.push_back(*std::move(jp));
  }
  PathExtractor ex(std::move(paths));
  std::vector<std::pair<std::string, bool>> entries;
  // Pass 1, the entries: move version 1's boolean tags, and drop null
  // entries their document no longer has (its path ended at []).
  auto it =
      db->NewIterator(ReadOptions(), ScanRange{prefix, PrefixEnd(prefix)});
  std::string converted, doc_key;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    const std::string_view body = key.substr(prefix.size());
    std::string_view values, pk;
    if (!ConvertV1IndexKey(body, &converted) ||
        !SplitIndexEntry(converted, spec.paths.size(), &values, &pk)) {
      return CorruptionError(DescribeKey(key), 0, "malformed index entry");
    }
    const Timestamp ts = it->timestamp();
    bool keep = true;
    if (HasNullComponent(values)) {
      // A covering entry holds its document; others read the record at
      // the entry's ts. No document (it expired first): keep the entry.
      std::string_view doc = it->value();
      std::string fetched;
      if (doc.empty()) {
        doc_key.assign(doc_prefix).append(pk);
        absl::StatusOr<Record> rec = db->Get(ReadOptions(), doc_key, ts);
        if (!rec.ok() && !absl::IsNotFound(rec.status())) return rec.status();
        if (rec.ok()) fetched = std::move(rec->value);
        doc = fetched;
      }
      if (!doc.empty()) {
        if (!ex.Extract(doc).ok()) {
          return CorruptionError(DescribeKey(doc_prefix + std::string(pk)), 0,
                                 "document does not parse");
        }
        if (EntryValuesOf(spec, ex, &entries)) {
          keep = false;
          for (const auto& [v, has_empty] : entries) keep |= v == values;
        }
      }
    }
    if (keep && body == converted) continue;
    out->Delete(key, ts);
    if (keep) {
      out->Put(prefix + converted, ts, it->value(),
               Expiry::At(it->expire_at()));
    }
  }
  if (!it->status().ok()) return it->status();
  it.reset();
  // Pass 2, the documents: add the entries holding [] (new in version 3;
  // a document may have had none with null, e.g. {"a": [[], 1]} was just
  // 1 in a multi-entry index). Same ts, expiry and value as the
  // document's other entries.
  auto docs = db->NewIterator(ReadOptions(),
                              ScanRange{doc_prefix, PrefixEnd(doc_prefix)});
  for (docs->SeekToFirst(); docs->Valid(); docs->Next()) {
    const std::string_view doc = docs->value();
    if (!ex.Extract(doc).ok()) {
      return CorruptionError(DescribeKey(docs->key()), 0,
                             "document does not parse");
    }
    if (!EntryValuesOf(spec, ex, &entries)) continue;
    const std::string_view pk = docs->key().substr(doc_prefix.size());
    for (const auto& [v, has_empty] : entries) {
      if (!has_empty) continue;  // the others exist already
      out->Put(prefix + v + std::string(pk), docs->timestamp(),
               spec.covering ? doc : std::string_view(),
               Expiry::At(docs->expire_at()));
    }
  }
  return docs->status();
}

absl::Status Catalog::Load(DB* db, WriteBatch* cleanup) {
  const std::string begin(1, kCollectionTag);
  const std::string end(1, kCollectionTag + 1);
  std::map<std::string, std::shared_ptr<const CollectionInfo>, std::less<>>
      loaded;
  auto it = db->NewIterator(ReadOptions(), ScanRange{begin, end});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view rest = it->key().substr(1);
    std::string name;
    if (!ConsumeComponent(&rest, &name) || !rest.empty()) {
      return CorruptionError("collection definition key", 0,
                             "malformed collection name");
    }
    absl::StatusOr<CollectionSpec> spec = DecodeCollectionDef(it->value());
    if (!spec.ok()) return Annotate(spec.status(), name);
    if (spec->name != name) {
      return CorruptionError(
          "collection definition", 0,
          absl::StrFormat("key names \"%s\", value \"%s\"", name, spec->name));
    }
    std::vector<IndexSpec> indexes;
    std::string def_prefix = CollectionPrefix(kMetaTag, name);
    def_prefix.push_back(kMetaIndexDef);
    std::string def_end = PrefixEnd(def_prefix);
    auto ix = db->NewIterator(ReadOptions(), ScanRange{def_prefix, def_end});
    for (ix->SeekToFirst(); ix->Valid(); ix->Next()) {
      bool ready = false;
      int key_version = kIndexKeyVersion;
      absl::StatusOr<IndexSpec> is =
          DecodeIndexDef(ix->value(), &ready, &key_version);
      if (!is.ok()) return Annotate(is.status(), name);
      if (!ready) {
        std::string prefix = IndexPrefix(name, is->name);
        cleanup->DeleteRange(prefix, PrefixEnd(prefix));
        cleanup->Delete(ix->key(), ix->timestamp());
        continue;
      }
      if (key_version < kIndexKeyVersion) {
        absl::Status st = ConvertIndex(db, name, *is, cleanup);
        if (!st.ok()) {
          return Annotate(st, absl::StrFormat("converting index \"%s\" of %s",
                                              is->name, name));
        }
        cleanup->Put(ix->key(), ix->timestamp(), IndexDefJson(*is, true),
                     Expiry::Never());
      }
      indexes.push_back(*std::move(is));
    }
    if (!ix->status().ok()) return ix->status();
    absl::StatusOr<std::shared_ptr<const CollectionInfo>> info =
        BuildCollectionInfo(*spec, indexes);
    if (!info.ok()) return Annotate(info.status(), name);
    loaded[name] = *std::move(info);
  }
  if (!it->status().ok()) return it->status();
  WriterLock l(&mu_);
  collections_ = std::move(loaded);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const CollectionInfo>> Catalog::Get(
    std::string_view name) const {
  ReaderLock l(&mu_);
  return GetLocked(name);
}

absl::StatusOr<std::shared_ptr<const CollectionInfo>> Catalog::GetLocked(
    std::string_view name) const {
  auto it = collections_.find(name);
  if (it == collections_.end()) {
    return absl::NotFoundError(
        absl::StrFormat("no collection named \"%s\"", name));
  }
  return it->second;
}

std::vector<std::shared_ptr<const CollectionInfo>> Catalog::List() const {
  ReaderLock l(&mu_);
  std::vector<std::shared_ptr<const CollectionInfo>> out;
  for (const auto& [name, info] : collections_) out.push_back(info);
  return out;
}

void Catalog::Install(std::shared_ptr<const CollectionInfo> info) {
  std::string name = info->spec.name;
  collections_[name] = std::move(info);
}

void Catalog::Remove(std::string_view name) {
  auto it = collections_.find(name);
  if (it != collections_.end()) collections_.erase(it);
}

}  // namespace strata::docs
