"""Compatibility shim: let skl2onnx 1.20 build INTS attributes holding Python bools under protobuf 7."""

from __future__ import annotations

import numbers

import onnx.helper

# Why: skl2onnx 1.20.0's tree-ensemble helper fills `nodes_missing_value_tracks_true`
# with numpy uint8 for split nodes but the Python literal False for leaves. onnx's
# make_attribute classifies the list as INTS (bool is an Integral) and hands it to
# protobuf, and protobuf 7 refuses bools in repeated int64 fields ("Expected an int,
# got a boolean"). Every HistGradientBoosting conversion fails without this. The
# shim only rewrites lists that mix bools with other integers into plain ints
# (False -> 0, True -> 1), which is exactly what the attribute means, so the
# produced ModelProto is the one skl2onnx intends to write.

_original_make_attribute = onnx.helper.make_attribute


def _is_int_list_with_bools(value: object) -> bool:
    if not isinstance(value, (list, tuple)) or not value:
        return False
    has_bool = any(isinstance(v, bool) for v in value)
    all_integral = all(isinstance(v, numbers.Integral) for v in value)
    return has_bool and all_integral


def _make_attribute(key, value, doc_string=None, attr_type=None):
    if _is_int_list_with_bools(value):
        value = [int(v) for v in value]
    return _original_make_attribute(key, value, doc_string=doc_string, attr_type=attr_type)


def install() -> None:
    """Patch onnx.helper.make_attribute (idempotent); make_node looks it up there."""
    onnx.helper.make_attribute = _make_attribute
