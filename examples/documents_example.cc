// JSON documents through the DocumentStore layer: a collection with a time
// field, a secondary index, Mongo-style finds, a merge patch and optimistic
// transactions.
//
// The database goes to ./strata-documents-example (or argv[1]) and is
// replaced each run. Exits non-zero on any unexpected result.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "strata/db.h"
#include "strata/docs.h"
#include "strata/status.h"

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "documents_example: %s\n", what.c_str());
  return 1;
}

// Runs a find and collects the documents it returns.
std::vector<std::string> FindAll(strata::DocumentStore* store,
                                 const strata::FindRequest& req) {
  std::vector<std::string> docs;
  auto cursor = store->Find("orders", req);
  if (!cursor.ok()) return docs;
  while ((*cursor)->Next()) docs.emplace_back((*cursor)->document());
  return docs;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "strata-documents-example";
  // Start from an empty database every run (NotFound: nothing to clear).
  if (absl::Status s = strata::DB::Destroy(dir);
      !s.ok() && !strata::IsNotFound(s)) {
    return Fail(s.ToString());
  }
  auto db = strata::DB::Open(strata::Options(), dir);
  if (!db.ok()) return Fail(db.status().ToString());
  auto store = strata::DocumentStore::Open(db->get());
  if (!store.ok()) return Fail(store.status().ToString());
  strata::DocumentStore* docs = store->get();

  // 1. A collection keyed by "id", whose documents are placed in time by
  // their "placed" field (so time windows can skip old data unread).
  strata::CollectionSpec orders;
  orders.name = "orders";
  orders.key_path = "id";
  orders.time_path = "placed";
  orders.time_unit = "rfc3339";
  if (!docs->CreateCollection(orders).ok()) return Fail("create collection");
  // A secondary index, so finds on status do not scan every order.
  strata::IndexSpec by_status;
  by_status.name = "by_status";
  by_status.paths = {"status"};
  if (!docs->CreateIndex("orders", by_status).ok()) return Fail("index");

  // 2. Documents go in as JSON text; PutMany writes them atomically.
  const std::vector<std::string> batch = {
      R"({"id": 1, "placed": "2024-05-01T09:00:00Z", "customer": "ada",
          "status": "open", "total": 120.5, "items": ["lamp", "desk"]})",
      R"({"id": 2, "placed": "2024-05-01T11:30:00Z", "customer": "bob",
          "status": "open", "total": 15})",
      R"({"id": 3, "placed": "2024-05-02T08:15:00Z", "customer": "ada",
          "status": "shipped", "total": 64})",
      R"({"id": 4, "placed": "2024-05-02T17:45:00Z", "customer": "cy",
          "status": "open", "total": 80})",
  };
  if (!docs->PutMany("orders", batch, /*insert_only=*/true).ok()) {
    return Fail("put many");
  }

  // 3. Find: open orders of at least 50, largest first.
  strata::FindRequest big_open;
  big_open.filter = R"({"status": "open", "total": {"$gte": 50}})";
  big_open.sort = R"({"total": -1})";
  big_open.projection = R"({"id": 1, "total": 1})";
  std::vector<std::string> found = FindAll(docs, big_open);
  if (found.size() != 2) return Fail("expected orders 1 and 4");
  for (const std::string& d : found) std::printf("found %s\n", d.c_str());
  // Explain says how it ran: which index, how much it examined.
  auto plan = docs->Explain("orders", big_open);
  if (!plan.ok() || plan->find("by_status") == std::string::npos) {
    return Fail("expected the by_status index to be used");
  }
  std::printf("explain %s\n", plan->c_str());

  // A time window on the "placed" field: [from, to) in ns since the epoch.
  strata::FindRequest may_2;
  may_2.from = 1'714'608'000'000'000'000;  // 2024-05-02T00:00:00Z
  may_2.to = may_2.from.value() + 86'400'000'000'000;
  auto n = docs->Count("orders", may_2);
  if (!n.ok() || *n != 2) return Fail("expected two orders on May 2");

  // 4. A JSON merge patch (RFC 7396): set members, null deletes one.
  auto patched = docs->Patch("orders", "2",
                             R"({"status": "shipped", "tracking": "1Z999"})");
  if (!patched.ok() ||
      patched->find("\"tracking\":\"1Z999\"") == std::string::npos) {
    return Fail("patch");
  }
  std::printf("patched %s\n", patched->c_str());

  // 5. Transactions: snapshot reads and all-or-nothing commits. Two
  // transactions read order 4 and both try to change it; the first commit
  // wins and the second is Aborted (retrying would then see the new state).
  auto t1 = docs->Begin();
  auto t2 = docs->Begin();
  if (!t1->Get("orders", "4").ok() || !t2->Get("orders", "4").ok()) {
    return Fail("transactional get");
  }
  if (!t1->Put("orders", R"({"id": 4, "placed": "2024-05-02T17:45:00Z",
                             "customer": "cy", "status": "shipped",
                             "total": 80})")
           .ok() ||
      !t1->Put("orders", R"({"id": 5, "placed": "2024-05-03T10:00:00Z",
                             "customer": "cy", "status": "open",
                             "total": 9})")
           .ok()) {
    return Fail("transactional put");
  }
  if (!t2->Put("orders", R"({"id": 4, "placed": "2024-05-02T17:45:00Z",
                             "customer": "cy", "status": "cancelled",
                             "total": 80})")
           .ok()) {
    return Fail("transactional put");
  }
  if (absl::Status s = t1->Commit(); !s.ok()) return Fail(s.ToString());
  absl::Status conflict = t2->Commit();
  if (!absl::IsAborted(conflict)) return Fail("expected a conflict");
  std::printf("second commit: %s\n", conflict.ToString().c_str());

  // Both writes of the first transaction landed; nothing of the second.
  strata::FindRequest shipped;
  shipped.filter = R"({"status": "shipped"})";
  if (FindAll(docs, shipped).size() != 3) return Fail("expected 3 shipped");
  auto all = docs->Count("orders", strata::FindRequest{});
  if (!all.ok() || *all != 5) return Fail("expected 5 orders");
  std::printf("orders: %llu, shipped: 3\n",
              static_cast<unsigned long long>(*all));
  return 0;
}
