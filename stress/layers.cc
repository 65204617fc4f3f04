// Layer operations of the crash loop (layers.h): writes through
// TimeSeries::WritePoints and DocumentStore::Put/Delete, and reads back
// through InfluxQL and Find, so recovery is checked through the layers'
// own APIs, not their key encodings.
#include "stress/layers.h"

#include <map>
#include <tuple>
#include <variant>

#include "absl/strings/str_format.h"

namespace strata::stress {

absl::StatusOr<Layers> OpenLayers(DB* db) {
  Layers l;
  auto series = TimeSeries::Open(db);
  if (!series.ok()) return series.status();
  l.series = std::move(*series);
  auto docs = DocumentStore::Open(db);
  if (!docs.ok()) return docs.status();
  l.docs = std::move(*docs);
  auto collections = l.docs->ListCollections();
  if (!collections.ok()) return collections.status();
  bool exists = false;
  for (const CollectionSpec& c : *collections) exists |= c.name == kCollection;
  if (!exists) {
    CollectionSpec spec;
    spec.name = kCollection;
    spec.key_path = "id";
    absl::Status s = l.docs->CreateCollection(spec);
    if (!s.ok()) return s;
  }
  // A secondary index, so recovery is also checked for index consistency.
  auto indexes = l.docs->ListIndexes(kCollection);
  if (!indexes.ok()) return indexes.status();
  for (const IndexSpec& i : *indexes) {
    if (i.name == kIndex) return l;
  }
  IndexSpec index;
  index.name = kIndex;
  index.paths = {"n"};
  absl::Status s = l.docs->CreateIndex(kCollection, index);
  if (!s.ok()) return s;
  return l;
}

absl::Status ApplyLayerBatch(Layers* layers, const std::vector<Op>& ops,
                             bool sync) {
  if (ops.empty()) return absl::OkStatus();
  if (ops[0].kind == Op::kPoint) {
    std::vector<Point> points;
    for (const Op& op : ops) {
      Point p;
      p.measurement = op.key;
      p.tags.push_back(Tag{"host", op.end});
      p.fields.push_back(Field{
          "v", FieldValue::Float(std::strtod(op.value.c_str(), nullptr))});
      p.timestamp = op.ts;
      points.push_back(std::move(p));
    }
    return layers->series->WritePoints(points, sync);
  }
  const Op& op = ops[0];
  if (op.kind == Op::kDocPut) {
    DocWriteOptions wo;
    wo.sync = sync;
    return layers->docs->Put(kCollection, op.value, wo).status();
  }
  return layers->docs->Delete(kCollection, absl::StrFormat("\"%s\"", op.key));
}

absl::StatusOr<std::string> RenderLayers(Layers* layers) {
  std::map<std::tuple<std::string, std::string, Timestamp>, double> points;
  for (const char* m : kMeasurements) {
    auto r = layers->series->Query(
        absl::StrFormat("SELECT v FROM %s GROUP BY host", m));
    if (!r.ok()) return r.status();
    for (const StatementResult& st : r->results) {
      if (!st.error.ok()) return st.error;
      for (const ResultSeries& rs : st.series) {
        std::string host;
        for (const auto& [k, v] : rs.tags) {
          if (k == "host") host = v;
        }
        for (const auto& row : rs.values) {
          if (row.size() != 2 || !std::holds_alternative<int64_t>(row[0])) {
            return absl::InternalError("unexpected SELECT row shape");
          }
          if (std::holds_alternative<std::monostate>(row[1])) continue;
          if (!std::holds_alternative<double>(row[1])) {
            return absl::InternalError("field v is not a float");
          }
          points[{rs.name, host, std::get<int64_t>(row[0])}] =
              std::get<double>(row[1]);
        }
      }
    }
  }
  std::string out;
  for (const auto& [k, v] : points) {
    out += Model::PointLine(std::get<0>(k), std::get<1>(k), std::get<2>(k), v);
  }
  std::map<std::string, std::string> docs;
  auto cursor = layers->docs->Find(kCollection, FindRequest());
  if (!cursor.ok()) return cursor.status();
  while ((*cursor)->Next()) {
    std::string key((*cursor)->key());
    if (key.size() >= 2 && key.front() == '"')
      key = key.substr(1, key.size() - 2);
    docs[key] = std::string((*cursor)->document());
  }
  if (!(*cursor)->status().ok()) return (*cursor)->status();
  // The same documents through the index on "n" (every document has an
  // integer n >= 0): an index entry lost or left behind shows here.
  std::map<std::string, std::string> indexed;
  FindRequest by_n;
  by_n.filter = R"({"n": {"$gte": 0}})";
  auto plan = layers->docs->Explain(kCollection, by_n);
  if (!plan.ok()) return plan.status();
  if (plan->find(kIndex) == std::string::npos) {
    return absl::InternalError("the find on n does not use its index: " +
                               *plan);
  }
  cursor = layers->docs->Find(kCollection, by_n);
  if (!cursor.ok()) return cursor.status();
  while ((*cursor)->Next()) {
    std::string key((*cursor)->key());
    if (key.size() >= 2 && key.front() == '"')
      key = key.substr(1, key.size() - 2);
    indexed[key] = std::string((*cursor)->document());
  }
  if (!(*cursor)->status().ok()) return (*cursor)->status();
  if (indexed != docs) {
    return absl::InternalError(absl::StrFormat(
        "the index on n disagrees with a scan: %d documents by index, %d by "
        "scan",
        indexed.size(), docs.size()));
  }
  for (const auto& [id, json] : docs) out += Model::DocLine(id, json);
  return out;
}

}  // namespace strata::stress
