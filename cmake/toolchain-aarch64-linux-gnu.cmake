# Cross-compiles onnxfn for 64-bit Arm Linux (AWS Graviton) with Debian's g++-aarch64-linux-gnu
# against Debian multiarch :arm64 libraries (scripts/build_arm64.sh installs both).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: find_library() looks in /usr/lib/aarch64-linux-gnu; the host's x86_64 libraries sit
# beside it under the same /usr prefix, so they are hidden rather than relied on to lose.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
list(APPEND CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu)
# Architecture-independent headers (Boost, RapidJSON, CLI11, Eigen, onnx.proto) stay the host's
# /usr/include, which the Debian cross compiler searches after /usr/include/aarch64-linux-gnu;
# protoc stays the host's too (same protobuf version as libprotobuf-dev:arm64).
# Running what was built needs an emulator: try_run() and tests go through qemu-aarch64.
find_program(ONNXFN_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(ONNXFN_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ONNXFN_QEMU_AARCH64})
endif()
