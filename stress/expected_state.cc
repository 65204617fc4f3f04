// The crash loop's operation log codec, reference model and verification
// (format and rules in expected_state.h).
#include "stress/expected_state.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace strata::stress {
namespace {

bool ParseI64(std::string_view s, int64_t* v) {
  return absl::SimpleAtoi(absl::string_view(s.data(), s.size()), v);
}
bool ParseU64(std::string_view s, uint64_t* v) {
  return absl::SimpleAtoi(absl::string_view(s.data(), s.size()), v);
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

// The first line where a and b differ, for error messages.
std::string FirstDifference(const std::string& db, const std::string& want) {
  size_t i = 0;
  while (i < db.size() && i < want.size() && db[i] == want[i]) i++;
  size_t start = db.rfind('\n', i == 0 ? 0 : i - 1);
  start = start == std::string::npos ? 0 : start + 1;
  auto line = [start](const std::string& s) {
    if (start >= s.size()) return std::string("(end)");
    return s.substr(start, std::min<size_t>(s.find('\n', start) - start, 120));
  };
  return absl::StrFormat("DB has \"%s\", expected \"%s\"", line(db),
                         line(want));
}

}  // namespace

std::string EncodeBatchRecord(uint64_t n, const std::vector<Op>& ops) {
  std::string r = absl::StrFormat("B\t%d\t%d\n", n, ops.size());
  for (const Op& op : ops) {
    absl::StrAppendFormat(&r, "O\t%c\t%s\t%s\t%d\t%d\t%d\t%s\n",
                          static_cast<char>(op.kind), op.key, op.end, op.ts,
                          op.t1, op.expire_at, op.value);
  }
  return r;
}

std::string EncodeAckRecord(uint64_t n) {
  return absl::StrFormat("A\t%d\n", n);
}

absl::StatusOr<std::vector<LoggedBatch>> ParseLog(std::string_view log) {
  std::vector<std::string_view> lines;
  while (!log.empty()) {
    size_t nl = log.find('\n');
    if (nl == std::string_view::npos) break;  // cut by the kill
    lines.push_back(log.substr(0, nl));
    log.remove_prefix(nl + 1);
  }
  std::vector<LoggedBatch> out;
  auto bad = [](size_t i, std::string_view why) {
    return absl::DataLossError(
        absl::StrFormat("expected-state log line %d: %s", i + 1, why));
  };
  for (size_t i = 0; i < lines.size(); i++) {
    std::vector<std::string_view> f = SplitTabs(lines[i]);
    if (f[0] == "A") {
      uint64_t n;
      if (f.size() != 2 || !ParseU64(f[1], &n)) return bad(i, "bad ack");
      if (out.empty() || out.back().n != n || out.back().acked) {
        return bad(i, "ack of a batch that is not the last one begun");
      }
      out.back().acked = true;
      continue;
    }
    uint64_t n, count;
    if (f[0] != "B" || f.size() != 3 || !ParseU64(f[1], &n) ||
        !ParseU64(f[2], &count)) {
      return bad(i, "expected a batch record");
    }
    if (!out.empty() && !out.back().acked) {
      return bad(i, "a batch begun before the previous one was acknowledged");
    }
    if (lines.size() - i - 1 < count) break;  // the kill cut this record
    LoggedBatch b;
    b.n = n;
    for (uint64_t k = 0; k < count; k++) {
      std::vector<std::string_view> o = SplitTabs(lines[++i]);
      Op op;
      if (o.size() != 8 || o[0] != "O" || o[1].size() != 1 ||
          !ParseI64(o[4], &op.ts) || !ParseI64(o[5], &op.t1) ||
          !ParseI64(o[6], &op.expire_at)) {
        return bad(i, "bad operation");
      }
      op.kind = static_cast<Op::Kind>(o[1][0]);
      op.key = std::string(o[2]);
      op.end = std::string(o[3]);
      op.value = std::string(o[7]);
      b.ops.push_back(std::move(op));
    }
    out.push_back(std::move(b));
  }
  return out;
}

void Model::Apply(const std::vector<Op>& ops) {
  for (const Op& op : ops) {
    switch (op.kind) {
      case Op::kPut:
        state_[{op.key, op.ts}].emplace_back(op.value, op.expire_at);
        break;
      case Op::kDelete:
        state_.erase({op.key, op.ts});
        break;
      case Op::kDeleteRange:
        for (auto it = state_.lower_bound({op.key, kMinTimestamp});
             it != state_.end() && it->first.first < op.end;) {
          bool hit = it->first.second >= op.ts && it->first.second < op.t1;
          it = hit ? state_.erase(it) : std::next(it);
        }
        break;
      case Op::kPoint:
        points_[{op.key, op.end, op.ts}] =
            std::strtod(op.value.c_str(), nullptr);
        break;
      case Op::kDocPut:
        docs_[op.key] = op.value;
        break;
      case Op::kDocDelete:
        docs_.erase(op.key);
        break;
    }
  }
}

std::string Model::PointLine(std::string_view measurement,
                             std::string_view host, Timestamp ts, double v) {
  return absl::StrFormat("point %s,host=%s@%d=%.17g\n", measurement, host, ts,
                         v);
}

std::string Model::DocLine(std::string_view id, std::string_view json) {
  return absl::StrFormat("doc %s=%s\n", id, json);
}

std::string Model::Render(int64_t now) const {
  std::string out;
  for (const auto& [k, versions] : state_) {
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->second <= now) continue;
      absl::StrAppendFormat(&out, "%s@%d=%s\n", k.first, k.second, v->first);
      break;
    }
  }
  for (const auto& [k, v] : points_) {
    out += PointLine(std::get<0>(k), std::get<1>(k), std::get<2>(k), v);
  }
  for (const auto& [id, json] : docs_) out += DocLine(id, json);
  return out;
}

absl::StatusOr<std::string> RenderDb(DB* db) {
  std::string out;
  ScanRange range;
  range.begin = "0";
  auto it = db->NewIterator(ReadOptions(), range);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    absl::StrAppendFormat(&out, "%s@%d=%s\n", it->key(), it->timestamp(),
                          it->value());
  }
  if (!it->status().ok()) return it->status();
  return out;
}

absl::StatusOr<uint64_t> VerifyAndAdvance(const std::string& db_state,
                                          const std::vector<LoggedBatch>& log,
                                          int64_t now, Model* model) {
  const std::string* got = &db_state;
  uint64_t verified = 0;
  for (const LoggedBatch& b : log) {
    if (!b.acked) break;
    model->Apply(b.ops);
    verified += b.ops.size();
  }
  std::string want = model->Render(now);
  if (*got == want) return verified;
  // The batch in flight at the kill may have been applied (wholly).
  if (!log.empty() && !log.back().acked) {
    Model with = *model;
    with.Apply(log.back().ops);
    if (*got == with.Render(now)) {
      *model = std::move(with);
      return verified;
    }
  }
  return absl::InternalError(absl::StrFormat(
      "DB does not match the expected state after %d acknowledged "
      "batches%s: %s",
      log.size() - (!log.empty() && !log.back().acked),
      !log.empty() && !log.back().acked ? " (+1 in flight)" : "",
      FirstDifference(*got, want)));
}

}  // namespace strata::stress
