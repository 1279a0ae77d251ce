"""meta.json: what the onnx Python package reports about a model (for testing `onnxfn inspect`)."""

from __future__ import annotations

import collections

import onnx
from onnx import TensorProto, helper

DEFAULT_DOMAIN = "ai.onnx"  # how the empty (default) domain is written in meta.json
DEFAULT_TOLERANCE = {"abs": 1e-5, "rel": 1e-5}


def domain_name(domain: str) -> str:
    return domain or DEFAULT_DOMAIN


def elem_type_name(elem_type: int) -> str:
    """TensorProto data type name, lower-cased: FLOAT -> 'float', STRING -> 'string'."""
    return TensorProto.DataType.Name(elem_type).lower()


def describe_shape(shape: onnx.TensorShapeProto) -> list:
    """dim_value -> int, dim_param -> that string, neither -> None; exactly as stored."""
    dims = []
    for dim in shape.dim:
        kind = dim.WhichOneof("value")
        dims.append(dim.dim_value if kind == "dim_value" else dim.dim_param if kind == "dim_param" else None)
    return dims


def describe_type(type_proto: onnx.TypeProto) -> dict:
    """Recursive description of a TypeProto (tensor / sequence / map).

    A tensor gets "shape" only when the TypeProto has a shape field: skl2onnx
    gives graph inputs/outputs a shape but leaves the ZipMap value tensor
    shapeless.
    """
    kind = type_proto.WhichOneof("value")
    if kind == "tensor_type":
        tensor = type_proto.tensor_type
        described = {"kind": "tensor", "elem_type": elem_type_name(tensor.elem_type)}
        if tensor.HasField("shape"):
            described["shape"] = describe_shape(tensor.shape)
        return described
    if kind == "sequence_type":
        return {"kind": "sequence", "elem": describe_type(type_proto.sequence_type.elem_type)}
    if kind == "map_type":
        return {
            "kind": "map",
            "key_type": elem_type_name(type_proto.map_type.key_type),
            "value": describe_type(type_proto.map_type.value_type),
        }
    raise ValueError(f"unsupported TypeProto kind {kind!r}")


def describe_value_info(value_info: onnx.ValueInfoProto) -> dict:
    return {"name": value_info.name, **describe_type(value_info.type)}


def opset_imports(model: onnx.ModelProto) -> dict[str, int]:
    """Domain -> version. skl2onnx sometimes lists a domain twice (same version):
    collapsed here; conflicting duplicates would be a bug worth seeing, so raise."""
    versions: dict[str, int] = {}
    for entry in model.opset_import:
        domain = domain_name(entry.domain)
        if versions.setdefault(domain, entry.version) != entry.version:
            raise ValueError(f"conflicting opset_import entries for {domain}")
    return dict(sorted(versions.items()))


def _graphs(graph: onnx.GraphProto):
    """The graph and, recursively, every subgraph held by a node attribute (e.g. Scan bodies)."""
    yield graph
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield from _graphs(attribute.g)
            elif attribute.type == onnx.AttributeProto.GRAPHS:
                for subgraph in attribute.graphs:
                    yield from _graphs(subgraph)


def op_counts(model: onnx.ModelProto) -> dict[str, int]:
    """"<domain>:<op_type>" -> number of nodes, subgraph nodes included."""
    counts = collections.Counter(
        f"{domain_name(node.domain)}:{node.op_type}"
        for graph in _graphs(model.graph)
        for node in graph.node
    )
    return dict(sorted(counts.items()))


def tensor_data_bytes(tensor: onnx.TensorProto) -> int:
    """numel * element size for numeric tensors; summed UTF-8 lengths for strings."""
    if tensor.data_type == TensorProto.STRING:
        return sum(len(s) for s in tensor.string_data)
    numel = 1
    for dim in tensor.dims:
        numel *= dim
    return numel * helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize


def initializer_bytes(model: onnx.ModelProto) -> int:
    """Initializers of the main graph and of every subgraph (e.g. the KNN Scan bodies)."""
    return sum(tensor_data_bytes(t) for graph in _graphs(model.graph) for t in graph.initializer)


def has_zipmap(model: onnx.ModelProto) -> bool:
    return "ai.onnx.ml:ZipMap" in op_counts(model)


def describe_model(model: onnx.ModelProto, *, case: str, estimator: str, task: str) -> dict:
    return {
        "case": case,
        "estimator": estimator,
        "task": task,
        "zipmap": has_zipmap(model) if task == "classification" else None,
        "ir_version": model.ir_version,
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "opset_import": opset_imports(model),
        "inputs": [describe_value_info(v) for v in model.graph.input],
        "outputs": [describe_value_info(v) for v in model.graph.output],
        "op_counts": op_counts(model),
        "initializer_bytes": initializer_bytes(model),
        "tolerance": dict(DEFAULT_TOLERANCE),
    }
