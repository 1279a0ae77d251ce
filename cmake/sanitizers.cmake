# ASan/UBSan builds: every target gets the flags so the whole process is instrumented.
if(ONNXFN_SANITIZE)
  add_compile_options(-fsanitize=${ONNXFN_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ONNXFN_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    add_compile_options(-fsanitize-ignorelist=${CMAKE_SOURCE_DIR}/cmake/ubsan_ignorelist.txt)
  endif()
  set(ONNXFN_STATIC OFF CACHE BOOL "" FORCE)  # sanitizer runtimes need dynamic linking
endif()
