// Encoding outputs as an Open Inference Protocol v2 response. Floats are written in their
// shortest round-trip form for their own precision (std::to_chars), so a float32 printed here
// parses back to the identical float32.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/binary_tensors.h"
#include "protocol/inference_protocol.h"

namespace onnxfn {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes a finite float's shortest round-trip text at `out` (room for 32 chars); returns the end.
template <class T>
char* put_finite(char* out, T v) {
  return std::to_chars(out, out + 32, v).ptr;
}

// A float as write_float writes it: null for NaN, "Infinity" and "-Infinity" as strings.
template <class T>
char* put_number(char* out, T v) {
  std::string_view text;
  if (std::isnan(v))
    text = "null";
  else if (std::isinf(v))
    text = v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  else
    return put_finite(out, v);
  return std::copy(text.begin(), text.end(), out);
}

// Room for `most` characters of a value that the caller writes straight into the writer's buffer
// (then returns what it did not use with buf.Pop): the writer first puts the separator the value
// needs (a comma after an element) and counts it. Writing a long array this way costs no call
// and no byte-by-byte copy per element (RawValue copies byte by byte).
char* raw_room(Writer& w, rapidjson::StringBuffer& buf, rapidjson::Type type, size_t most) {
  w.RawValue("", 0, type);
  return buf.Push(most);
}

template <class T>
void write_float(Writer& w, T v) {
  if (std::isnan(v)) {
    w.Null();
  } else if (std::isinf(v)) {
    w.String(v > 0 ? "Infinity" : "-Infinity");
  } else {
    char buf[64];
    char* end = put_finite(buf, v);
    w.RawValue(buf, static_cast<size_t>(end - buf), rapidjson::kNumberType);
  }
}

// Writes element i of a tensor as a JSON value.
void write_element(Writer& w, const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::Float: write_float(w, t.data<float>()[i]); break;
    case DType::Double: write_float(w, t.data<double>()[i]); break;
    case DType::Int64: w.Int64(t.data<int64_t>()[i]); break;
    case DType::Int32: w.Int(t.data<int32_t>()[i]); break;
    case DType::Int16: w.Int(t.data<int16_t>()[i]); break;
    case DType::Int8: w.Int(t.data<int8_t>()[i]); break;
    case DType::UInt64: w.Uint64(t.data<uint64_t>()[i]); break;
    case DType::UInt32: w.Uint(t.data<uint32_t>()[i]); break;
    case DType::UInt16: w.Uint(t.data<uint16_t>()[i]); break;
    case DType::UInt8: w.Uint(t.data<uint8_t>()[i]); break;
    case DType::Bool: w.Bool(t.data<bool>()[i]); break;
    case DType::String: {
      const std::string& s = t.data<std::string>()[i];
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      break;
    }
    default: throw_error(ErrorKind::Internal, "cannot encode element type " + dtype_name(t.dtype()));
  }
}

// Writes key i as a JSON object key; integer keys as their decimal text, like std::to_string.
void write_key(Writer& w, const Tensor& keys, int64_t i) {
  char buf[24];
  std::string_view k;
  if (keys.dtype() == DType::String) {
    k = keys.data<std::string>()[i];
  } else if (keys.dtype() == DType::Int64 || keys.dtype() == DType::Int32) {
    const int64_t v = keys.dtype() == DType::Int64 ? keys.data<int64_t>()[i] : keys.data<int32_t>()[i];
    k = std::string_view(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
  } else {
    throw_error(ErrorKind::Internal, "cannot encode map keys of type " + dtype_name(keys.dtype()));
  }
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}

void write_map(Writer& w, const Map& m) {
  w.StartObject();
  for (int64_t i = 0; i < m.keys.numel(); ++i) {
    write_key(w, m.keys, i);
    write_element(w, m.values, i);
  }
  w.EndObject();
}

// ZipMap answers: thousands of small maps sharing one keys tensor. Each key's text (`"k":`,
// escaped by the same writer) is made once per keys tensor, and each map is assembled in `text`
// and handed to the writer whole, which measured cheaper than a writer call per key and value.
class MapRows {
 public:
  // False when `m` is not a map of float or double values this fast path handles.
  static bool handles(const Map& m) {
    const DType vt = m.values.dtype();
    return (vt == DType::Float || vt == DType::Double) && m.keys.numel() == m.values.numel();
  }

  bool write(Writer& w, const Map& m) {
    if (!handles(m)) return false;
    const char* end = put(m, text_.data());  // text_ is sized when the keys change, in put
    w.RawValue(text_.data(), static_cast<size_t>(end - text_.data()), rapidjson::kObjectType);
    return true;
  }

  // The whole array of `items` when every one is a map this path handles (else false, nothing
  // written), straight into the writer's buffer: one map at a time, each in room for the longest.
  bool write_array(Writer& w, rapidjson::StringBuffer& buf, const std::vector<Value>& items) {
    for (const Value& item : items) {
      const auto* m = std::get_if<Map>(&item.v);
      if (!m || !handles(*m)) return false;
    }
    *raw_room(w, buf, rapidjson::kArrayType, 1) = '[';
    bool first = true;
    for (const Value& item : items) {
      const Map& m = std::get<Map>(item.v);
      if (m.keys.storage() != keys_ || key_text_.size() != static_cast<size_t>(m.keys.numel())) cache_keys(m.keys);
      const size_t most = text_.size() + 1;
      char* const begin = buf.Push(most);
      char* out = begin;
      if (!first) *out++ = ',';
      first = false;
      out = put(m, out);
      buf.Pop(most - static_cast<size_t>(out - begin));
    }
    *buf.Push(1) = ']';
    return true;
  }

 private:
  // Map m's text at `out` (room for text_.size() characters once the keys are cached); its end.
  char* put(const Map& m, char* out) {
    const DType vt = m.values.dtype();
    if (m.keys.storage() != keys_ || key_text_.size() != static_cast<size_t>(m.keys.numel())) {
      const bool into_text = out == text_.data();
      cache_keys(m.keys);
      if (into_text) out = text_.data();  // cache_keys resized it
    }
    *out++ = '{';
    for (int64_t i = 0; i < m.values.numel(); ++i) {
      if (i > 0) *out++ = ',';
      const std::string& key = key_text_[static_cast<size_t>(i)];
      out = std::copy(key.begin(), key.end(), out);
      out = vt == DType::Float ? put_number(out, m.values.data<float>()[i]) : put_number(out, m.values.data<double>()[i]);
    }
    *out++ = '}';
    return out;
  }

  void cache_keys(const Tensor& keys) {
    key_text_.clear();
    for (int64_t i = 0; i < keys.numel(); ++i) {
      rapidjson::StringBuffer b;
      Writer kw(b);
      kw.StartObject();
      write_key(kw, keys, i);
      kw.Null();  // completes the object; the text between '{' and "null" is the key and ':'
      kw.EndObject();
      const std::string_view all(b.GetString(), b.GetSize());
      key_text_.emplace_back(all.substr(1, all.size() - 1 - 4 - 1));
    }
    keys_ = keys.storage();
    size_t most = 2;  // the braces, then per entry: a comma, the key and at most 32 chars of value
    for (const std::string& k : key_text_) most += 1 + k.size() + 32;
    text_.assign(most, '\0');  // once per keys tensor: rows write into it without growing it
  }


  std::shared_ptr<Storage> keys_;  // the keys tensor whose texts key_text_ holds
  std::vector<std::string> key_text_;
  std::string text_;  // one map's text, sized for the longest
};

// A float, double, int64 or int32 tensor's elements as the JSON array write_element makes of them
// (to_chars gives the writer's integer texts too), straight into the writer's buffer: a writer call
// per element was most of encoding 10,000 labels. False, nothing written, for other types.
bool write_numbers(Writer& w, rapidjson::StringBuffer& buf, const Tensor& t) {
  const DType dt = t.dtype();
  if (dt != DType::Float && dt != DType::Double && dt != DType::Int64 && dt != DType::Int32) return false;
  const auto n = static_cast<size_t>(t.numel());
  const size_t most = 2 + n * 33;  // per element a comma and at most 32 characters (put_finite's room)
  char* const begin = raw_room(w, buf, rapidjson::kArrayType, most);
  char* p = begin;
  *p++ = '[';
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) *p++ = ',';
    switch (dt) {
      case DType::Float: p = put_number(p, t.data<float>()[i]); break;
      case DType::Double: p = put_number(p, t.data<double>()[i]); break;
      case DType::Int64: p = std::to_chars(p, p + 32, t.data<int64_t>()[i]).ptr; break;
      default: p = std::to_chars(p, p + 32, t.data<int32_t>()[i]).ptr; break;
    }
  }
  *p++ = ']';
  buf.Pop(most - static_cast<size_t>(p - begin));
  return true;
}

// `binary_tail`: when set, a tensor's bytes go there and its JSON says only their size. `buf` is the
// buffer `w` writes into (long arrays are written there directly).
void write_output(Writer& w, rapidjson::StringBuffer& buf, const std::string& name, const Value& value,
                  std::string* binary_tail) {
  w.StartObject();
  w.Key("name");
  w.String(name.c_str());
  if (const auto* t = std::get_if<Tensor>(&value.v)) {
    auto dt = v2_datatype(t->dtype());
    if (!dt) throw_error(ErrorKind::Internal, "output '" + name + "': element type " + dtype_name(t->dtype()) + " has no v2 datatype");
    w.Key("datatype");
    w.String(dt->data(), static_cast<rapidjson::SizeType>(dt->size()));
    w.Key("shape");
    w.StartArray();
    for (int64_t d : t->shape()) w.Int64(d);
    w.EndArray();
    if (binary_tail) {
      const size_t n = append_tensor_binary(*t, *binary_tail);
      w.Key("parameters");
      w.StartObject();
      w.Key("binary_data_size");
      w.Uint64(n);
      w.EndObject();
    } else {
      w.Key("data");
      if (!write_numbers(w, buf, *t)) {
        w.StartArray();
        for (int64_t i = 0; i < t->numel(); ++i) write_element(w, *t, i);
        w.EndArray();
      }
    }
  } else if (const auto* s = std::get_if<Sequence>(&value.v)) {
    w.Key("datatype");
    w.String("JSON");
    w.Key("shape");
    w.StartArray();
    w.Int64(static_cast<int64_t>(s->items.size()));
    w.EndArray();
    w.Key("data");
    MapRows rows;
    if (rows.write_array(w, buf, s->items)) {
      w.EndObject();
      return;
    }
    w.StartArray();
    for (const Value& item : s->items) {
      if (const auto* m = std::get_if<Map>(&item.v)) {
        if (!rows.write(w, *m)) write_map(w, *m);
      } else if (const auto* it = std::get_if<Tensor>(&item.v)) {
        w.StartArray();
        for (int64_t i = 0; i < it->numel(); ++i) write_element(w, *it, i);
        w.EndArray();
      } else {
        throw_error(ErrorKind::Internal, "output '" + name + "': cannot encode " + item.describe());
      }
    }
    w.EndArray();
  } else if (const auto* m = std::get_if<Map>(&value.v)) {
    w.Key("datatype");
    w.String("JSON");
    w.Key("shape");
    w.StartArray();
    w.Int64(1);
    w.EndArray();
    w.Key("data");
    w.StartArray();
    write_map(w, *m);
    w.EndArray();
  } else {
    throw_error(ErrorKind::Internal, "output '" + name + "' has no value");
  }
  w.EndObject();
}

}  // namespace

std::string encode_inference_response(const NamedValues& outputs, std::string_view model_name, std::string_view id) {
  std::string unused;
  return encode_inference_response(outputs, model_name, id, {}, unused);
}

std::string encode_inference_response(const NamedValues& outputs, std::string_view model_name, std::string_view id,
                                      const std::vector<bool>& binary, std::string& binary_tail) {
  rapidjson::StringBuffer buf(nullptr, 1 << 16);
  Writer w(buf);
  w.StartObject();
  w.Key("model_name");
  w.String(model_name.data(), static_cast<rapidjson::SizeType>(model_name.size()));
  if (!id.empty()) {
    w.Key("id");
    w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  }
  w.Key("outputs");
  w.StartArray();
  for (size_t i = 0; i < outputs.size(); ++i)
    write_output(w, buf, outputs[i].first, outputs[i].second, i < binary.size() && binary[i] ? &binary_tail : nullptr);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace onnxfn
