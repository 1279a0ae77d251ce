// Entry point of the onnxfn binary; everything lives in src/cli/.
#include "cli/cli.h"

int main(int argc, char** argv) { return onnxfn::cli::run(argc, argv); }
