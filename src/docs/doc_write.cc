// Document preparation and the batch writer (layout: schema/docs.md).
//
// Prepare: validate with simdjson DOM (UTF-8, grammar, depth, duplicate
// members), minify the text as is (numbers keep their spelling), add a
// generated id if needed, then one On-Demand pass over the minified copy
// extracts the key, the time and every index path.
//
// BatchWriter::Put for key K of collection C, old record (K, t0) if any:
//   delete entries of the old document that the new one lacks (or all if
//   the time moved), delete (K, t0) if t0 != t, put (K, t) = json, put
//   every new entry at t (value: json for covering indexes, else empty),
//   all with one Expiry::At. Unique entries are
//   checked first against the batch so far and the committed state.
// Nothing here ever writes outside the batch; the caller commits.
#include <simdjson.h>

#include <algorithm>

#include "absl/strings/str_format.h"
#include "docs/doc_keys.h"
#include "docs/doc_store.h"
#include "docs/index_key.h"
#include "docs/json_value_ondemand.h"
#include "strata/env.h"
#include "util/coding.h"
#include "util/errors.h"

namespace strata::docs {

namespace dom = simdjson::dom;

namespace {

constexpr size_t kMaxEntriesPerIndex = 1000;

// What a walk of a parsed document found wrong, if anything.
enum class TreeProblem { kNone, kDuplicate, kTooDeep };

// Checks every container under e (at nesting level `level`, the root
// object being 1): no object names a member twice (*name is set to it)
// and no container lies deeper than max_level. simdjson's own depth
// limit does not count empty containers, hence the exact count here.
TreeProblem CheckTree(dom::element e, int level, int max_level,
                      std::vector<std::string_view>* keys,
                      std::string_view* name) {
  dom::array arr;
  dom::object obj;
  const bool is_array = e.get_array().get(arr) == simdjson::SUCCESS;
  if (!is_array && e.get_object().get(obj) != simdjson::SUCCESS) {
    return TreeProblem::kNone;
  }
  if (level > max_level) return TreeProblem::kTooDeep;
  if (is_array) {
    for (dom::element c : arr) {
      TreeProblem p = CheckTree(c, level + 1, max_level, keys, name);
      if (p != TreeProblem::kNone) return p;
    }
    return TreeProblem::kNone;
  }
  const size_t base = keys->size();
  for (dom::key_value_pair kv : obj) keys->push_back(kv.key);
  auto first = keys->begin() + static_cast<ptrdiff_t>(base);
  std::sort(first, keys->end());
  auto dup = std::adjacent_find(first, keys->end());
  if (dup != keys->end()) {
    *name = *dup;
    return TreeProblem::kDuplicate;
  }
  keys->resize(base);
  for (dom::key_value_pair kv : obj) {
    TreeProblem p = CheckTree(kv.value, level + 1, max_level, keys, name);
    if (p != TreeProblem::kNone) return p;
  }
  return TreeProblem::kNone;
}

int64_t ExpireAt(const CollectionInfo& c, Timestamp ts, int64_t ttl_ns,
                 Env* env) {
  int64_t ttl = ttl_ns > 0 ? ttl_ns : c.spec.default_ttl_ns;
  if (ttl <= 0) return kNeverExpires;
  int64_t base = c.time_slot >= 0 ? ts : env->NowNanos();
  int64_t at;
  if (__builtin_add_overflow(base, ttl, &at) || at >= kNeverExpires) {
    return kNeverExpires - 1;
  }
  return at;
}

std::string KeyJson(std::string_view pk) {
  absl::StatusOr<std::string> k = PrimaryKeyToJson(pk);
  return k.ok() ? *k : std::string("<undecodable>");
}

}  // namespace

absl::Status IndexEntriesOf(const IndexInfo& ix, const PathExtractor& values,
                            std::vector<std::string>* out) {
  out->clear();
  const size_t n = ix.slots.size();
  std::vector<std::vector<std::string>> comps(n);
  bool all_absent = true;
  for (size_t k = 0; k < n; ++k) {
    const PathValues& pv = values.values(ix.slots[k]);
    if (pv.exists()) all_absent = false;
    std::vector<std::string>& set = comps[k];
    // Scalars, [] at the end of the path (key version 3), null if missing.
    if (auto st = IndexPathComponents(pv, ix.spec.multi, ix.spec.name,
                                      ix.spec.paths[k], &set);
        !st.ok()) {
      return st;
    }
    if (!ix.spec.multi && set.size() > 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "index \"%s\" is not multi-entry but path '%s' has %d values",
          ix.spec.name, ix.spec.paths[k], set.size()));
    }
  }
  if (ix.spec.sparse && all_absent) return absl::OkStatus();
  size_t total = 1;
  for (const auto& set : comps) {
    total *= set.size();
    if (total > kMaxEntriesPerIndex) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "index \"%s\": document would need more than %d entries",
          ix.spec.name, kMaxEntriesPerIndex));
    }
  }
  out->assign(1, std::string());
  for (const auto& set : comps) {
    std::vector<std::string> next;
    next.reserve(out->size() * set.size());
    for (const std::string& head : *out) {
      for (const std::string& c : set) next.push_back(head + c);
    }
    out->swap(next);
  }
  for (const std::string& e : *out) {
    if (e.size() > kMaxIndexEntryBytes) {
      return absl::InvalidArgumentError(
          absl::StrFormat("index \"%s\": entry of %d bytes exceeds %d",
                          ix.spec.name, e.size(), kMaxIndexEntryBytes));
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return absl::OkStatus();
}

struct DocPreparer::Impl {
  DocumentStoreOptions options;
  absl::Status init_error;
  dom::parser parser;
  std::string input;  // padded copy of the caller's text
  std::string buf;    // minified, padded
  std::vector<std::string_view> keys;
  struct Cached {
    std::vector<std::string> dotted;
    std::unique_ptr<PathExtractor> extractor;
  };
  std::vector<std::pair<const CollectionInfo*, Cached>> extractors;

  // Finds or builds the extractor for c's paths.
  PathExtractor* ExtractorFor(const CollectionInfo& c) {
    for (auto& [ptr, cached] : extractors) {
      if (ptr != &c || cached.dotted.size() != c.paths.size()) continue;
      bool same = true;
      for (size_t i = 0; i < c.paths.size() && same; ++i) {
        same = cached.dotted[i] == c.paths[i].dotted();
      }
      if (same) return cached.extractor.get();
    }
    if (extractors.size() >= 16) extractors.erase(extractors.begin());
    Cached cached;
    for (const JsonPath& p : c.paths) cached.dotted.push_back(p.dotted());
    cached.extractor = std::make_unique<PathExtractor>(c.paths);
    extractors.emplace_back(&c, std::move(cached));
    return extractors.back().second.extractor.get();
  }

  // Validates json; sets *has_id if the id member is present.
  absl::Status Validate(std::string_view json, std::string_view id_member,
                        bool* has_id) {
    input.resize(json.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(input.data(), json.data(), json.size());
    dom::element root;
    simdjson::error_code err =
        parser.parse(input.data(), json.size(), false).get(root);
    if (err == simdjson::NUMBER_ERROR) {
      // Integers beyond 64 bits are valid JSON (read as doubles); let the
      // exact parser decide and locate real errors.
      JsonParseOptions po;
      po.what = "document";
      po.max_depth = options.max_nesting_depth;
      po.max_bytes = options.max_document_bytes;
      absl::StatusOr<JsonValue> v = ParseJson(json, po);
      if (!v.ok()) return v.status();
      if (!v->is_object()) return NotObject(JsonTypeName(v->type()));
      *has_id = !id_member.empty() && v->Find(id_member) != nullptr;
      return absl::OkStatus();
    }
    if (err != simdjson::SUCCESS) {
      internal::OndemandContext ctx;
      ctx.text = json;
      ctx.what = "document";
      ctx.max_depth = options.max_nesting_depth;
      return internal::OndemandError(ctx, err);
    }
    if (root.type() != dom::element_type::OBJECT) {
      return NotObject(root.type() == dom::element_type::ARRAY ? "an array"
                                                               : "a scalar");
    }
    keys.clear();
    std::string_view dup;
    switch (CheckTree(root, 1, options.max_nesting_depth, &keys, &dup)) {
      case TreeProblem::kNone:
        break;
      case TreeProblem::kDuplicate:
        return absl::InvalidArgumentError(absl::StrFormat(
            "document: member \"%s\" appears twice in one object", dup));
      case TreeProblem::kTooDeep: {
        internal::OndemandContext ctx;
        ctx.text = json;
        ctx.what = "document";
        ctx.max_depth = options.max_nesting_depth;
        return internal::OndemandError(ctx, simdjson::DEPTH_ERROR);
      }
    }
    dom::object obj;
    dom::element unused;
    *has_id = !id_member.empty() &&
              root.get_object().get(obj) == simdjson::SUCCESS &&
              obj.at_key(id_member).get(unused) == simdjson::SUCCESS;
    return absl::OkStatus();
  }

  static absl::Status NotObject(std::string_view got) {
    return absl::InvalidArgumentError(
        absl::StrFormat("document must be a JSON object, got %s", got));
  }

  // The key of the extracted document into out->pk.
  static absl::Status KeyOf(const CollectionInfo& c, const PathExtractor& ex,
                            PreparedDoc* out) {
    const PathValues& pv = ex.values(0);
    const std::string& path = c.spec.key_path;
    if (!pv.exists()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("document has no primary key at '%s'", path));
    }
    if (pv.values.size() != 1 || pv.missing) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "primary key at '%s' must be one string or number, got %s", path,
          pv.values.size() > 1 && pv.values.back().array_itself
              ? "an array"
              : "several values"));
    }
    JsonView v = pv.values[0].value;
    out->pk.clear();
    if (auto st = AppendPrimaryKey(&out->pk, v, path); !st.ok()) return st;
    if (!c.id_member.empty() && v.type() == JsonType::kString) {
      out->id_shaped = ParseGeneratedId(v.string_value(), &out->id);
    }
    return absl::OkStatus();
  }

  static absl::Status Entries(const CollectionInfo& c, const PathExtractor& ex,
                              PreparedDoc* out) {
    out->entries.resize(c.indexes.size());
    for (size_t i = 0; i < c.indexes.size(); ++i) {
      if (auto st = IndexEntriesOf(c.indexes[i], ex, &out->entries[i]);
          !st.ok()) {
        return st;
      }
    }
    return absl::OkStatus();
  }
};

DocPreparer::DocPreparer(const DocumentStoreOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  // simdjson rejects nesting at its max_depth; allow exactly ours. The
  // buffers grow with the largest document (keeping the depth).
  if (impl_->parser.allocate(4 << 10, options.max_nesting_depth + 1) !=
      simdjson::SUCCESS) {
    impl_->init_error =
        absl::ResourceExhaustedError("cannot allocate the document parser");
  }
}

DocPreparer::~DocPreparer() = default;

absl::Status DocPreparer::Prepare(const CollectionInfo& c,
                                  std::string_view json, IdSource* ids,
                                  PreparedDoc* out) {
  Impl& m = *impl_;
  if (!m.init_error.ok()) return m.init_error;
  if (json.size() > m.options.max_document_bytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("document of %d bytes exceeds max_document_bytes %d",
                        json.size(), m.options.max_document_bytes));
  }
  bool has_id = false;
  const std::string_view id_member =
      ids != nullptr ? std::string_view(c.id_member) : std::string_view();
  if (auto st = m.Validate(json, id_member, &has_id); !st.ok()) return st;
  std::string& buf = m.buf;
  buf.resize(json.size() + 48 + kJsonPadding);
  size_t len = 0;
  char* dst = buf.data();
  bool generated = !id_member.empty() && !has_id;
  if (generated) {
    // {"<member>":"<16 hex>", + the rest; the member name needs no escape
    // check beyond JSON quoting, done by AppendJsonString.
    std::string head = "{";
    AppendJsonString(&head, id_member);
    out->id = ids->NextId(c);
    head += ":\"" + FormatGeneratedId(out->id) + "\"";
    buf.resize(json.size() + head.size() + 1 + kJsonPadding);
    dst = buf.data();
    std::memcpy(dst, head.data(), head.size());
    len = head.size();
  }
  size_t mlen = 0;
  if (simdjson::minify(json.data(), json.size(), dst + len, mlen) !=
      simdjson::SUCCESS) {
    return absl::InternalError("minify failed on validated JSON");
  }
  if (generated) {
    // dst+len holds "{...}": drop its '{', keep a ',' unless it was "{}".
    if (mlen == 2) {
      dst[len] = '}';
      len += 1;
    } else {
      dst[len] = ',';
      len += mlen;
    }
  } else {
    len = mlen;
  }
  std::memset(dst + len, 0, kJsonPadding);
  std::string_view doc(dst, len);
  PathExtractor* ex = m.ExtractorFor(c);
  if (auto st = ex->ExtractPadded(doc); !st.ok()) return st;
  out->id_shaped = false;
  if (auto st = Impl::KeyOf(c, *ex, out); !st.ok()) return st;
  if (generated) out->id_shaped = true;
  if (out->id_shaped && !generated && ids != nullptr)
    ids->ObserveId(c, out->id);
  out->ts = 0;
  if (c.time_slot >= 0) {
    const PathValues& pv = ex->values(c.time_slot);
    if (!pv.exists() || pv.values.size() != 1 || pv.missing) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "document needs exactly one time value at '%s'", c.spec.time_path));
    }
    absl::StatusOr<int64_t> ts = TimeValueToNanos(
        pv.values[0].value, c.spec.time_unit, c.spec.time_path);
    if (!ts.ok()) return ts.status();
    out->ts = *ts;
  }
  if (auto st = Impl::Entries(c, *ex, out); !st.ok()) return st;
  out->json.assign(doc);
  return absl::OkStatus();
}

absl::Status DocPreparer::Reindex(const CollectionInfo& c,
                                  std::string_view stored, PreparedDoc* out) {
  PathExtractor* ex = impl_->ExtractorFor(c);
  absl::Status st = ex->Extract(stored);
  if (st.ok()) st = Impl::KeyOf(c, *ex, out);
  if (st.ok()) st = Impl::Entries(c, *ex, out);
  if (!st.ok()) {
    return CorruptionError(
        absl::StrFormat("stored document of collection \"%s\"", c.spec.name), 0,
        std::string(st.message()));
  }
  return absl::OkStatus();
}

BatchWriter::BatchWriter(DocStoreImpl* store) : store_(store) {}
BatchWriter::~BatchWriter() = default;

absl::Status BatchWriter::Load(const CollectionInfo& c, const std::string& key,
                               Current* out) {
  if (auto it = pending_.find(key); it != pending_.end()) {
    *out = it->second;
    return absl::OkStatus();
  }
  std::string* max_key = store_->MaxDocKey(c);
  if (key > *max_key) {
    max_key->assign(key);  // raised before the write: stays an upper bound
    out->exists = false;
    return absl::OkStatus();
  }
  absl::StatusOr<Record> rec = store_->db()->GetLatest(ReadOptions(), key);
  if (!rec.ok()) {
    out->exists = false;
    return absl::IsNotFound(rec.status()) ? absl::OkStatus() : rec.status();
  }
  PreparedDoc old;
  if (auto st = store_->write_preparer()->Reindex(c, rec->value, &old);
      !st.ok()) {
    return st;
  }
  out->exists = true;
  out->ts = rec->ts;
  out->entries = std::move(old.entries);
  return absl::OkStatus();
}

Iterator* BatchWriter::IndexIterator(const CollectionInfo& c) {
  auto& it = index_iters_[c.spec.name];
  if (it == nullptr) {
    std::string end = PrefixEnd(c.index_base);
    it = store_->db()->NewIterator(ReadOptions(), ScanRange{c.index_base, end});
  }
  return it.get();
}

absl::Status BatchWriter::CheckUnique(const CollectionInfo& c,
                                      const IndexInfo& ix, size_t ix_pos,
                                      const std::string& values,
                                      std::string_view pk) {
  std::string full = ix.prefix + values;
  auto violation = [&](std::string_view other) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "unique index \"%s\" of collection \"%s\" already has value %s "
        "(document %s)",
        ix.spec.name, c.spec.name, IndexValuesToJson(values), KeyJson(other)));
  };
  if (auto o = owner_.find(full); o != owner_.end()) {
    return o->second == pk ? absl::OkStatus() : violation(o->second);
  }
  Iterator* it = IndexIterator(c);
  for (it->Seek(full); it->Valid() && it->key().starts_with(full); it->Next()) {
    std::string_view other = it->key().substr(full.size());
    if (other == pk) continue;
    // A document changed earlier in this batch may have given it up.
    auto p = pending_.find(c.doc_prefix + std::string(other));
    if (p != pending_.end() &&
        (!p->second.exists ||
         !std::binary_search(p->second.entries[ix_pos].begin(),
                             p->second.entries[ix_pos].end(), values))) {
      continue;
    }
    return violation(other);
  }
  return it->status();
}

absl::Status BatchWriter::Put(const CollectionInfo& c, PreparedDoc* d,
                              Mode mode, int64_t ttl_ns) {
  const PreparedDoc& doc = *d;
  std::string key = c.doc_prefix + doc.pk;
  Current cur;
  if (auto st = Load(c, key, &cur); !st.ok()) return st;
  if (mode == Mode::kInsert && cur.exists) {
    return absl::AlreadyExistsError(
        absl::StrFormat("collection \"%s\" already has a document with key %s",
                        c.spec.name, KeyJson(doc.pk)));
  }
  if (mode == Mode::kUpdate && !cur.exists) {
    return absl::NotFoundError(
        absl::StrFormat("collection \"%s\" has no document with key %s",
                        c.spec.name, KeyJson(doc.pk)));
  }
  for (size_t i = 0; i < c.indexes.size(); ++i) {
    const IndexInfo& ix = c.indexes[i];
    if (!ix.spec.unique) continue;
    for (const std::string& v : doc.entries[i]) {
      if (cur.exists &&
          std::binary_search(cur.entries[i].begin(), cur.entries[i].end(), v)) {
        continue;  // already this document's
      }
      if (auto st = CheckUnique(c, ix, i, v, doc.pk); !st.ok()) return st;
    }
  }
  const Expiry expiry = Expiry::At(ExpireAt(c, doc.ts, ttl_ns, store_->env()));
  std::string entry;
  if (cur.exists) {
    for (size_t i = 0; i < c.indexes.size(); ++i) {
      const IndexInfo& ix = c.indexes[i];
      for (const std::string& v : cur.entries[i]) {
        if (cur.ts == doc.ts && std::binary_search(doc.entries[i].begin(),
                                                   doc.entries[i].end(), v)) {
          continue;
        }
        entry = ix.prefix + v;
        if (ix.spec.unique) {
          auto o = owner_.find(entry);
          if (o != owner_.end() && o->second == doc.pk) owner_.erase(o);
        }
        entry += doc.pk;
        batch_.Delete(entry, cur.ts);
      }
    }
    if (cur.ts != doc.ts) batch_.Delete(key, cur.ts);
  }
  batch_.Put(key, doc.ts, doc.json, expiry);
  for (size_t i = 0; i < c.indexes.size(); ++i) {
    const IndexInfo& ix = c.indexes[i];
    for (const std::string& v : doc.entries[i]) {
      entry = ix.prefix + v;
      if (ix.spec.unique) owner_[entry] = doc.pk;
      entry += doc.pk;
      // Every entry is rewritten (unchanged ones too), so a covering
      // entry never keeps an older body.
      batch_.Put(
          entry, doc.ts,
          ix.spec.covering ? std::string_view(doc.json) : std::string_view(),
          expiry);
    }
  }
  Current& p = pending_[key];
  p.exists = true;
  p.ts = doc.ts;
  p.entries = std::move(d->entries);
  written_.push_back(std::move(key));
  if (doc.id_shaped) id_colls_[c.spec.name] = &c;
  return absl::OkStatus();
}

absl::Status BatchWriter::Delete(const CollectionInfo& c, std::string_view pk,
                                 bool must_exist) {
  std::string key = c.doc_prefix + std::string(pk);
  Current cur;
  if (auto st = Load(c, key, &cur); !st.ok()) return st;
  if (!cur.exists) {
    if (!must_exist) return absl::OkStatus();
    return absl::NotFoundError(
        absl::StrFormat("collection \"%s\" has no document with key %s",
                        c.spec.name, KeyJson(pk)));
  }
  std::string entry;
  for (size_t i = 0; i < c.indexes.size(); ++i) {
    const IndexInfo& ix = c.indexes[i];
    for (const std::string& v : cur.entries[i]) {
      entry = ix.prefix + v;
      if (ix.spec.unique) {
        auto o = owner_.find(entry);
        if (o != owner_.end() && o->second == pk) owner_.erase(o);
      }
      entry += pk;
      batch_.Delete(entry, cur.ts);
    }
  }
  batch_.Delete(key, cur.ts);
  Current& p = pending_[key];
  p.exists = false;
  p.entries.clear();
  written_.push_back(std::move(key));
  return absl::OkStatus();
}

absl::Status BatchWriter::Commit(bool sync) {
  for (const auto& [name, c] : id_colls_) {
    std::string v;
    PutFixed64(&v, store_->LastId(*c));
    batch_.Put(IdCounterKey(name), 0, v, Expiry::Never());
  }
  if (batch_.Count() == 0) return absl::OkStatus();
  if (auto st = batch_.status(); !st.ok()) return st;
  WriteOptions wo;
  wo.sync = sync;
  if (auto st = store_->db()->Write(wo, batch_); !st.ok()) return st;
  store_->NoteCommitted(written_);
  return absl::OkStatus();
}

}  // namespace strata::docs
