# Warning flags shared by every onnxfn target; CI builds add -Werror.
add_library(onnxfn_warnings INTERFACE)
target_compile_options(onnxfn_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
# GCC 12 reports false -Wrestrict positives inside std::string operator+ at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(onnxfn_warnings INTERFACE -Wno-restrict)
endif()
# RapidJSON's member iterators define == and != as members with non-const-matching operands, which
# clang flags under C++20's reversed-operator rules from inside our calls.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(onnxfn_warnings INTERFACE -Wno-ambiguous-reversed-operator)
endif()
if(ONNXFN_WERROR)
  target_compile_options(onnxfn_warnings INTERFACE -Werror)
endif()
