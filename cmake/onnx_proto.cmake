# Generates protobuf-lite C++ from Debian's onnx.proto (libonnx-dev) at build time.
# Only src/model/ links this; nothing above the model layer sees protobuf types.
find_program(PROTOC_EXECUTABLE protoc REQUIRED)
set(ONNX_PROTO_SOURCE "/usr/include/onnx/onnx.proto" CACHE FILEPATH "onnx.proto to generate from")
if(NOT EXISTS "${ONNX_PROTO_SOURCE}")
  message(FATAL_ERROR "onnx.proto not found at ${ONNX_PROTO_SOURCE}: install libonnx-dev")
endif()
set(ONNX_PROTO_DIR "${CMAKE_BINARY_DIR}/onnx_proto")
file(MAKE_DIRECTORY "${ONNX_PROTO_DIR}/onnx")
add_custom_command(
  OUTPUT "${ONNX_PROTO_DIR}/onnx/onnx.pb.cc" "${ONNX_PROTO_DIR}/onnx/onnx.pb.h"
  COMMAND ${CMAKE_COMMAND} -E copy "${ONNX_PROTO_SOURCE}" "${ONNX_PROTO_DIR}/onnx/onnx.proto"
  COMMAND ${PROTOC_EXECUTABLE} --proto_path=${ONNX_PROTO_DIR} --cpp_out=${ONNX_PROTO_DIR} onnx/onnx.proto
  DEPENDS "${ONNX_PROTO_SOURCE}"
  COMMENT "Generating protobuf-lite code from ${ONNX_PROTO_SOURCE}")
add_library(onnxfn_onnx_proto STATIC "${ONNX_PROTO_DIR}/onnx/onnx.pb.cc")
target_include_directories(onnxfn_onnx_proto SYSTEM PUBLIC "${ONNX_PROTO_DIR}")
if(ONNXFN_PYTHON)
  # Debian's libprotobuf-lite.a is not position-independent (its thread-local arena cache), so the
  # Python extension links the shared library (Debian's libprotobuf-lite32).
  find_library(PROTOBUF_LITE_SHARED NAMES libprotobuf-lite.so REQUIRED)
  target_link_libraries(onnxfn_onnx_proto PUBLIC ${PROTOBUF_LITE_SHARED} Threads::Threads)
else()
  find_library(PROTOBUF_LITE_STATIC NAMES libprotobuf-lite.a REQUIRED)
  target_link_libraries(onnxfn_onnx_proto PUBLIC ${PROTOBUF_LITE_STATIC} Threads::Threads)
endif()
# The generated parser at -O2 rather than the Release -Os: parsing a 1.4 MB forest ~20% faster
# (cold start) for ~30 KB of binary.
set_source_files_properties("${ONNX_PROTO_DIR}/onnx/onnx.pb.cc" PROPERTIES COMPILE_OPTIONS "-O2")
