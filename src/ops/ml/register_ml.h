// Registration functions of the ai.onnx.ml kernels other than tree ensembles, one per operator
// file; register_ml.cpp calls them all.
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops::ml {

void register_linear_classifier(KernelRegistry& r);       // linear_classifier.cpp
void register_linear_regressor(KernelRegistry& r);        // linear_regressor.cpp
void register_svm_classifier(KernelRegistry& r);          // svm_classifier.cpp
void register_svm_regressor(KernelRegistry& r);           // svm_regressor.cpp
void register_scaler(KernelRegistry& r);                  // scaler.cpp
void register_normalizer(KernelRegistry& r);              // normalizer.cpp
void register_binarizer(KernelRegistry& r);               // binarizer.cpp
void register_imputer(KernelRegistry& r);                 // imputer.cpp
void register_one_hot_encoder(KernelRegistry& r);         // one_hot_encoder.cpp
void register_label_encoder(KernelRegistry& r);           // label_encoder.cpp
void register_array_feature_extractor(KernelRegistry& r); // array_feature_extractor.cpp
void register_feature_vectorizer(KernelRegistry& r);      // feature_vectorizer.cpp
void register_cast_map(KernelRegistry& r);                // cast_map.cpp
void register_dict_vectorizer(KernelRegistry& r);         // dict_vectorizer.cpp
void register_category_mapper(KernelRegistry& r);         // category_mapper.cpp
void register_zip_map(KernelRegistry& r);                 // zip_map.cpp

}  // namespace onnxfn::ops::ml
