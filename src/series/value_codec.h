// Field value bytes as stored in data records (schema/series.md, "Field
// values"). The type comes from the field catalog, not the bytes.
#ifndef STRATA_SERIES_VALUE_CODEC_H_
#define STRATA_SERIES_VALUE_CODEC_H_

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "strata/point.h"
#include "strata/series.h"

namespace strata::series {

// Appends the stored form of v.
template <class S>
void EncodeFieldValue(const BasicFieldValue<S>& v, std::string* out) {
  char buf[8];
  switch (v.type()) {
    case FieldType::kFloat: {
      double d = v.float_value();
      std::memcpy(buf, &d, 8);
      out->append(buf, 8);
      break;
    }
    case FieldType::kInteger: {
      int64_t i = v.integer_value();
      std::memcpy(buf, &i, 8);
      out->append(buf, 8);
      break;
    }
    case FieldType::kUnsigned: {
      uint64_t u = v.unsigned_value();
      std::memcpy(buf, &u, 8);
      out->append(buf, 8);
      break;
    }
    case FieldType::kBoolean:
      out->push_back(v.bool_value() ? 1 : 0);
      break;
    case FieldType::kString:
      out->append(v.string_value().data(), v.string_value().size());
      break;
  }
}

// Decodes stored bytes of a field of the given type; nullopt if malformed.
inline std::optional<QueryValue> DecodeFieldValue(FieldType type,
                                                  std::string_view bytes) {
  switch (type) {
    case FieldType::kFloat: {
      if (bytes.size() != 8) return std::nullopt;
      double d;
      std::memcpy(&d, bytes.data(), 8);
      return QueryValue(d);
    }
    case FieldType::kInteger: {
      if (bytes.size() != 8) return std::nullopt;
      int64_t i;
      std::memcpy(&i, bytes.data(), 8);
      return QueryValue(i);
    }
    case FieldType::kUnsigned: {
      if (bytes.size() != 8) return std::nullopt;
      uint64_t u;
      std::memcpy(&u, bytes.data(), 8);
      return QueryValue(u);
    }
    case FieldType::kBoolean:
      if (bytes.size() != 1 || static_cast<uint8_t>(bytes[0]) > 1) {
        return std::nullopt;
      }
      return QueryValue(bytes[0] == 1);
    case FieldType::kString:
      return QueryValue(std::string(bytes));
  }
  return std::nullopt;
}

}  // namespace strata::series

#endif  // STRATA_SERIES_VALUE_CODEC_H_
