// The extension module onnxfn._onnxfn: Predictor (load, predict over record columns, features,
// infer over tensors) and the error categories as Python exceptions. The work runs with the GIL
// released, so Python threads score in parallel on one shared Predictor (its calls are const and
// thread-safe). onnxfn/__init__.py wraps this with pandas / pyarrow / dict conversions.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <string>

#include "common/error.h"
#include "convert.h"
#include "pipeline/predictor.h"

namespace onnxfn::python {

namespace {

using pipeline::Predictor;

// One Python class per ErrorKind, all subclasses of onnxfn.Error (BadInput also of ValueError).
struct ErrorClasses {
  PyObject* base = nullptr;
  PyObject* by_kind[5] = {};
};
ErrorClasses errors;

PyObject* make_error(nb::module_& m, const char* name, PyObject* bases, const char* doc) {
  std::string qualified = std::string("onnxfn.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (!type) throw nb::python_error();
  PyObject_SetAttrString(type, "category", nb::str(name).ptr());
  m.attr(name) = nb::handle(type);
  return type;
}

void register_errors(nb::module_& m) {
  errors.base = make_error(m, "Error", PyExc_Exception, "An onnxfn failure; .category names its kind.");
  nb::tuple input_bases = nb::make_tuple(nb::handle(errors.base), nb::handle(PyExc_ValueError));
  errors.by_kind[static_cast<int>(ErrorKind::BadInput)] =
      make_error(m, "BadInput", input_bases.ptr(), "The records, tensors or arguments are wrong (CLI exit 2).");
  errors.by_kind[static_cast<int>(ErrorKind::BadModel)] =
      make_error(m, "BadModel", errors.base, "The model or bundle is malformed (CLI exit 3).");
  errors.by_kind[static_cast<int>(ErrorKind::Unsupported)] =
      make_error(m, "Unsupported", errors.base, "Valid ONNX that onnxfn cannot run (CLI exit 3).");
  errors.by_kind[static_cast<int>(ErrorKind::ResourceLimit)] =
      make_error(m, "ResourceLimit", errors.base, "A size or memory cap was hit (CLI exit 4).");
  errors.by_kind[static_cast<int>(ErrorKind::Internal)] =
      make_error(m, "Internal", errors.base, "A bug or an I/O failure (CLI exit 4).");
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(errors.by_kind[static_cast<int>(e.kind())], e.what());
    }
  });
}

nb::list describe(const std::vector<ValueInfo>& infos) {
  nb::list out;
  for (const ValueInfo& info : infos) out.append(nb::make_tuple(info.name, info.type.to_string()));
  return out;
}

nb::list predict(const Predictor& p, const nb::list& columns) {
  Frame records = frame_from_columns(columns);
  Frame out;
  {
    nb::gil_scoped_release release;
    out = p.predict(records);
  }
  return frame_to_columns(std::move(out));
}

nb::list features(const Predictor& p, const nb::list& columns) {
  Frame records = frame_from_columns(columns);
  Frame out;
  {
    nb::gil_scoped_release release;
    out = p.features(records);
  }
  return frame_to_columns(std::move(out));
}

nb::dict infer(const Predictor& p, const nb::dict& tensors) {
  NamedValues inputs = values_from_dict(tensors);
  NamedValues outputs;
  {
    nb::gil_scoped_release release;
    outputs = p.infer(inputs);
  }
  return values_to_dict(outputs);
}

nb::list model_input_columns(const Predictor& p) {
  nb::list out;
  if (const pipeline::Bundle* bundle = p.bundle())
    for (const pipeline::ModelInputSpec& input : bundle->spec.model_inputs)
      out.append(nb::make_tuple(input.name, dtype_name(input.dtype), input.columns));
  return out;
}

// (probability column, label column) of a bundle's output records; empty names when absent.
nb::tuple output_columns(const Predictor& p) {
  std::string probability, label;
  if (const pipeline::Bundle* bundle = p.bundle()) {
    const pipeline::OutputSpec& output = bundle->spec.output;
    if (output.probability) probability = output.probability->column;
    if (output.label) label = output.label->column;
  }
  return nb::make_tuple(probability, label);
}

// For the tests: where the core's columns / tensors built from these inputs keep their values
// (name, address, borrowed), to check that numeric buffers are read in place rather than copied.
nb::list core_column_buffers(const nb::list& columns) {
  const Frame frame = frame_from_columns(columns);
  nb::list out;
  for (size_t i = 0; i < frame.num_columns(); ++i) {
    const Column& c = frame.column(i);
    const void* data = c.type() == ColumnType::Float64 ? static_cast<const void*>(c.float64_values().data())
                       : c.type() == ColumnType::Int64 ? static_cast<const void*>(c.int64_values().data())
                                                        : nullptr;
    out.append(nb::make_tuple(frame.name(i), reinterpret_cast<uintptr_t>(data), c.is_borrowed()));
  }
  return out;
}

nb::list core_tensor_buffers(const nb::dict& tensors) {
  const NamedValues values = values_from_dict(tensors);
  nb::list out;
  for (const auto& [name, value] : values) {
    const Tensor& t = value.tensor();
    out.append(nb::make_tuple(name, reinterpret_cast<uintptr_t>(t.raw_data()), t.storage() && t.storage()->capacity() == 0));
  }
  return out;
}

}  // namespace

}  // namespace onnxfn::python

using namespace onnxfn;          // NOLINT: the module body below names the core's types
using namespace onnxfn::python;  // NOLINT

NB_MODULE(_onnxfn, m) {
  m.doc() = "onnxfn's C++ core: load a bundle or an ONNX model and score records or tensors.";
  register_errors(m);
  nb::class_<Predictor>(m, "Predictor")
      .def_static(
          "load",
          [](const std::string& path, int threads, bool require_model) {
            pipeline::PredictorOptions options;
            options.threads = threads;
            options.require_model = require_model;
            nb::gil_scoped_release release;
            return Predictor::load(path, options);
          },
          nb::arg("path"), nb::arg("threads") = 0, nb::arg("require_model") = true)
      .def_prop_ro("is_bundle", &Predictor::is_bundle)
      .def_prop_ro("name", &Predictor::name)
      .def_prop_ro("version", &Predictor::version)
      .def_prop_ro("threshold", &Predictor::threshold)
      .def_prop_ro("threads", &Predictor::threads)
      .def_prop_ro("inputs", [](const Predictor& p) { return describe(p.inputs()); })
      .def_prop_ro("outputs", [](const Predictor& p) { return describe(p.outputs()); })
      .def_prop_ro("model_input_columns", &model_input_columns)
      .def_prop_ro("output_columns", &output_columns)
      .def("predict_columns", &predict, nb::arg("columns"))
      .def("features_columns", &features, nb::arg("columns"))
      .def("infer", &infer, nb::arg("tensors"));
  m.def("_core_column_buffers", &core_column_buffers, nb::arg("columns"));
  m.def("_core_tensor_buffers", &core_tensor_buffers, nb::arg("tensors"));
}
