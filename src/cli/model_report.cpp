// Building and printing the inspect report.
#include "cli/model_report.h"

#include <functional>
#include <map>

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include "engine/session.h"
#include "ops/all_kernels.h"

namespace onnxfn::cli {
namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void write_type(JsonWriter& w, const TypeInfo& t) {
  w.StartObject();
  w.Key("kind");
  switch (t.kind) {
    case TypeInfo::Kind::Tensor:
    case TypeInfo::Kind::SparseTensor:
      w.String(t.kind == TypeInfo::Kind::Tensor ? "tensor" : "sparse_tensor");
      w.Key("elem_type");
      w.String(dtype_name(t.elem).c_str());
      w.Key("shape");
      if (!t.shape) {
        w.Null();
      } else {
        w.StartArray();
        for (const Dim& d : *t.shape) {
          if (d.value) w.Int64(*d.value);
          else if (!d.param.empty()) w.String(d.param.c_str());
          else w.Null();
        }
        w.EndArray();
      }
      break;
    case TypeInfo::Kind::Sequence:
    case TypeInfo::Kind::Optional:
      w.String(t.kind == TypeInfo::Kind::Sequence ? "sequence" : "optional");
      w.Key("elem");
      if (t.inner) write_type(w, *t.inner);
      else w.Null();
      break;
    case TypeInfo::Kind::Map:
      w.String("map");
      w.Key("key_type");
      w.String(dtype_name(t.elem).c_str());
      w.Key("value");
      if (t.inner) write_type(w, *t.inner);
      else w.Null();
      break;
    case TypeInfo::Kind::Unknown:
      w.String("unknown");
      break;
  }
  w.EndObject();
}

void write_value_infos(JsonWriter& w, const std::vector<ValueInfo>& values, bool outputs) {
  w.StartArray();
  for (const ValueInfo& v : values) {
    w.StartObject();
    w.Key("name");
    w.String(v.name.c_str());
    w.Key("type");
    write_type(w, v.type);
    w.Key("type_text");
    w.String(v.type.to_string().c_str());
    if (outputs) {
      w.Key("encoding");
      w.String(is_json_encoded(v.type) ? "json_objects" : "tensor");
    }
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

bool is_json_encoded(const TypeInfo& type) {
  if (type.kind == TypeInfo::Kind::Map) return true;
  return type.kind == TypeInfo::Kind::Sequence && type.inner && type.inner->kind == TypeInfo::Kind::Map;
}

std::vector<std::string> error_reasons(const Error& error) {
  const std::string message = error.what();
  const std::string item = "\n  - ";
  size_t at = message.find(item);
  if (at == std::string::npos) return {message};
  std::vector<std::string> reasons;
  while (at != std::string::npos) {
    size_t next = message.find(item, at + item.size());
    reasons.push_back(message.substr(at + item.size(), next == std::string::npos ? std::string::npos : next - at - item.size()));
    at = next;
  }
  return reasons;
}

ModelReport build_report(const Model& model, std::string source) {
  ModelReport r;
  r.model = &model;
  r.source = std::move(source);
  std::map<std::pair<std::string, std::string>, OperatorUsage> ops;
  const KernelRegistry& registry = ops::all_kernels();
  for_each_node(model.graph, [&](const Node& n, int) {
    ++r.node_count;
    auto& u = ops[{n.domain, n.op_type}];
    if (u.count++ == 0) {
      u.domain = n.domain;
      u.op_type = n.op_type;
      auto res = registry.resolve(n.domain, n.op_type, model.opset(n.domain));
      u.version = res.version;
      u.supported = res.factory != nullptr;
      u.problem = res.problem;
    }
  });
  r.operators_supported = true;
  for (auto& [key, u] : ops) {
    r.operators_supported &= u.supported;
    r.operators.push_back(std::move(u));
  }
  std::function<void(const Graph&)> count_inits = [&](const Graph& g) {
    r.initializer_count += g.initializers.size();
    for (const Initializer& i : g.initializers) {
      r.initializer_bytes += i.bytes;
      if (!i.tensor.defined()) r.operators_supported = false;
    }
    for (const Node& n : g.nodes)
      for (const Attribute& a : n.attributes) {
        if (a.g) count_inits(*a.g);
        for (const auto& sub : a.graphs) count_inits(*sub);
      }
  };
  count_inits(model.graph);
  // The verdict: the same Session construction as predict (kernel attributes checked, trees
  // compiled, declared output types compared with what their nodes yield). One thread: the
  // probe runs nothing.
  try {
    Session probe(Model(model), ops::all_kernels(), {.threads = 1});
    r.runnable = true;
    for (const auto& [node, kernel] : probe.compiled_graph().step_kernels()) {
      const Kernel::Footprint f = kernel->footprint();
      if (f.tree_nodes > 0) r.tree_ensembles.push_back({node->label(), f.tree_nodes, f.compiled_bytes, f.batch_plan_bytes});
    }
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::ResourceLimit || e.kind() == ErrorKind::Internal) throw;
    r.reasons = error_reasons(e);
  }
  return r;
}

void write_report_text(const ModelReport& r, std::ostream& out) {
  const Model& m = *r.model;
  out << r.source << "\n";
  out << "  producer      " << (m.producer_name.empty() ? "(unknown)" : m.producer_name)
      << (m.producer_version.empty() ? "" : " " + m.producer_version) << "\n";
  out << "  ir_version    " << m.ir_version << "\n";
  out << "  opsets        ";
  for (size_t i = 0; i < m.opsets.size(); ++i) out << (i ? ", " : "") << m.opsets[i].domain << " " << m.opsets[i].version;
  out << "\n  inputs\n";
  for (const ValueInfo& v : m.graph.inputs) out << "    " << v.name << "  " << v.type.to_string() << "\n";
  out << "  outputs\n";
  for (const ValueInfo& v : m.graph.outputs) {
    out << "    " << v.name << "  " << v.type.to_string();
    if (is_json_encoded(v.type))
      out << "\n      non-tensor output: onnxfn returns it as JSON objects (one per row, keyed by class label)";
    out << "\n";
  }
  out << "  operators     " << r.node_count << " nodes\n";
  for (const OperatorUsage& u : r.operators) {
    out << "    " << u.domain << ":" << u.op_type;
    if (u.version) out << " v" << u.version;
    out << "  x" << u.count << "  " << (u.supported ? "supported" : "NOT SUPPORTED: " + u.problem) << "\n";
  }
  out << "  initializers  " << r.initializer_count << " (" << r.initializer_bytes << " bytes)\n";
  for (const ModelReport::TreeEnsemble& t : r.tree_ensembles)
    out << "  trees         " << t.node << ": " << t.tree_nodes << " tree nodes, compiled layout " << t.compiled_bytes
        << " bytes, batch layout " << t.batch_plan_bytes << " bytes\n";
  if (!m.metadata.empty()) {
    out << "  metadata\n";
    for (const auto& [k, v] : m.metadata) out << "    " << k << " = " << v << "\n";
  }
  if (r.runnable) {
    out << "onnxfn can run this model.\n";
  } else {
    out << "onnxfn cannot run this model:\n";
    for (const std::string& reason : r.reasons) out << "  - " << reason << "\n";
  }
}

void write_report_json(const ModelReport& r, std::ostream& out) {
  const Model& m = *r.model;
  rapidjson::OStreamWrapper os(out);
  JsonWriter w(os);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("schema"); w.String("onnxfn.inspect/1");
  w.Key("path"); w.String(r.source.c_str());
  w.Key("producer_name"); w.String(m.producer_name.c_str());
  w.Key("producer_version"); w.String(m.producer_version.c_str());
  w.Key("ir_version"); w.Int64(m.ir_version);
  w.Key("model_version"); w.Int64(m.model_version);
  w.Key("domain"); w.String(m.domain.c_str());
  w.Key("opsets");
  w.StartObject();
  for (const OpsetImport& o : m.opsets) { w.Key(o.domain.c_str()); w.Int64(o.version); }
  w.EndObject();
  w.Key("inputs"); write_value_infos(w, m.graph.inputs, false);
  w.Key("outputs"); write_value_infos(w, m.graph.outputs, true);
  w.Key("node_count"); w.Uint64(r.node_count);
  w.Key("ops");
  w.StartArray();
  for (const OperatorUsage& u : r.operators) {
    w.StartObject();
    w.Key("domain"); w.String(u.domain.c_str());
    w.Key("op_type"); w.String(u.op_type.c_str());
    w.Key("version"); w.Int64(u.version);
    w.Key("count"); w.Uint64(u.count);
    w.Key("supported"); w.Bool(u.supported);
    if (!u.supported) { w.Key("problem"); w.String(u.problem.c_str()); }
    w.EndObject();
  }
  w.EndArray();
  w.Key("initializers");
  w.StartObject();
  w.Key("count"); w.Uint64(r.initializer_count);
  w.Key("bytes"); w.Uint64(r.initializer_bytes);
  w.EndObject();
  w.Key("tree_ensembles");
  w.StartArray();
  for (const ModelReport::TreeEnsemble& t : r.tree_ensembles) {
    w.StartObject();
    w.Key("node"); w.String(t.node.c_str());
    w.Key("tree_nodes"); w.Uint64(t.tree_nodes);
    w.Key("compiled_bytes"); w.Uint64(t.compiled_bytes);
    w.Key("batch_plan_bytes"); w.Uint64(t.batch_plan_bytes);
    w.EndObject();
  }
  w.EndArray();
  w.Key("metadata");
  w.StartObject();
  for (const auto& [k, v] : m.metadata) { w.Key(k.c_str()); w.String(v.c_str()); }
  w.EndObject();
  w.Key("supported"); w.Bool(r.operators_supported);
  w.Key("runnable"); w.Bool(r.runnable);
  w.Key("reasons");
  w.StartArray();
  for (const std::string& reason : r.reasons) w.String(reason.c_str());
  w.EndArray();
  w.EndObject();
  out << "\n";
}

}  // namespace onnxfn::cli
