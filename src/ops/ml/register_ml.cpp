// Registers the kernels of this family (see register.h): the ai.onnx.ml operators other than
// tree ensembles, one file each under src/ops/ml/.
#include "ops/ml/register.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops {

void register_ml_kernels(KernelRegistry& r) {
  ml::register_linear_classifier(r);
  ml::register_linear_regressor(r);
  ml::register_svm_classifier(r);
  ml::register_svm_regressor(r);
  ml::register_scaler(r);
  ml::register_normalizer(r);
  ml::register_binarizer(r);
  ml::register_imputer(r);
  ml::register_one_hot_encoder(r);
  ml::register_label_encoder(r);
  ml::register_array_feature_extractor(r);
  ml::register_feature_vectorizer(r);
  ml::register_cast_map(r);
  ml::register_dict_vectorizer(r);
  ml::register_category_mapper(r);
  ml::register_zip_map(r);
}

}  // namespace onnxfn::ops
