// Graph validation: every value defined exactly once, every use defined, no cycles; nodes are
// sorted topologically (Kahn's algorithm, stable in file order) so the engine can run them in order.
#include <queue>
#include <unordered_map>

#include "model/proto_decoder.h"

namespace onnxfn::detail {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadModel, message); }

// Every name a graph or any graph nested in it defines (inputs, initializers, node outputs).
void collect_defined_names(const Graph& g, NameSet& names) {
  for (const auto& i : g.inputs) names.insert(i.name);
  for (const auto& i : g.initializers) names.insert(i.name);
  for (const Node& n : g.nodes) {
    for (const auto& o : n.outputs) names.insert(o);
    for (const Attribute& a : n.attributes) {
      if (a.g) collect_defined_names(*a.g, names);
      for (const auto& sub : a.graphs) collect_defined_names(*sub, names);
    }
  }
}

}  // namespace

void validate_graph(Graph& g, const NameSet& outer, bool is_subgraph) {
  std::string where = g.name.empty() ? std::string("graph") : "graph '" + g.name + "'";

  // Producer of every value: -1 for graph inputs and initializers, else the node's position.
  std::unordered_map<std::string, int64_t> producer;
  for (const ValueInfo& in : g.inputs)
    if (!producer.emplace(in.name, -1).second) bad(where + ": input '" + in.name + "' is declared twice");
  for (const Initializer& init : g.initializers) producer.emplace(init.name, -1);  // may also be an input (override)

  for (size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& n = g.nodes[k];
    for (const std::string& out : n.outputs) {
      if (out.empty()) continue;
      auto [it, inserted] = producer.emplace(out, static_cast<int64_t>(k));
      if (!inserted) {
        if (it->second < 0) bad(n.label() + ": output '" + out + "' redefines a graph input or initializer");
        bad(n.label() + ": output '" + out + "' is also produced by " + g.nodes[static_cast<size_t>(it->second)].label());
      }
    }
  }

  // Edges and in-degrees for the topological sort; outer-scope names need no edge.
  std::vector<std::vector<size_t>> consumers(g.nodes.size());
  std::vector<size_t> pending(g.nodes.size(), 0);
  auto add_use = [&](size_t k, const std::string& name, const std::string& role) {
    if (name.empty()) return;
    auto it = producer.find(name);
    if (it == producer.end()) {
      if (outer.count(name)) return;
      bad(g.nodes[k].label() + ": " + role + " '" + name + "' is not defined by any graph input, initializer or node output");
    }
    if (it->second >= 0) {
      consumers[static_cast<size_t>(it->second)].push_back(k);
      ++pending[k];
    }
  };
  for (size_t k = 0; k < g.nodes.size(); ++k) {
    for (const std::string& in : g.nodes[k].inputs) add_use(k, in, "input");
    // Subgraphs may read values of this graph; their producers must run before this node.
    for (const Attribute& a : g.nodes[k].attributes) {
      std::vector<const Graph*> subs;
      if (a.g) subs.push_back(a.g.get());
      for (const auto& s : a.graphs) subs.push_back(s.get());
      for (const Graph* sub : subs) {
        NameSet local;
        collect_defined_names(*sub, local);
        for_each_node(*sub, [&](const Node& sn, int) {
          for (const auto& in : sn.inputs)
            if (!in.empty() && !local.count(in)) {
              auto it = producer.find(in);
              if (it != producer.end() && it->second >= 0 && static_cast<size_t>(it->second) != k)
                add_use(k, in, "subgraph input");
            }
        });
      }
    }
  }

  // Kahn's algorithm with a min-heap on file position keeps already-sorted files unchanged.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t k = 0; k < g.nodes.size(); ++k)
    if (pending[k] == 0) ready.push(k);
  std::vector<size_t> order;
  order.reserve(g.nodes.size());
  while (!ready.empty()) {
    size_t k = ready.top();
    ready.pop();
    order.push_back(k);
    for (size_t c : consumers[k])
      if (--pending[c] == 0) ready.push(c);
  }
  if (order.size() != g.nodes.size()) {
    for (size_t k = 0; k < g.nodes.size(); ++k)
      if (pending[k] > 0) bad(where + ": the nodes form a cycle through " + g.nodes[k].label());
  }
  std::vector<Node> sorted;
  sorted.reserve(g.nodes.size());
  for (size_t k : order) sorted.push_back(std::move(g.nodes[k]));
  g.nodes = std::move(sorted);

  NameSet output_names;
  for (const ValueInfo& out : g.outputs) {
    if (!output_names.insert(out.name).second) bad(where + ": output '" + out.name + "' is declared twice");
    if (!producer.count(out.name) && !(is_subgraph && outer.count(out.name)))
      bad(where + ": output '" + out.name + "' is not produced by any node, input or initializer");
  }
  if (!is_subgraph && g.outputs.empty()) bad(where + ": the graph declares no outputs");
}

}  // namespace onnxfn::detail
