#!/usr/bin/env bash
# install_rie.sh: the AWS Lambda Runtime Interface Emulator (runs a `bootstrap` the way Lambda does,
# without Docker; used by tests/lambda/, tests/tune/ and bench/lambda/) at .tools/bin/aws-lambda-rie.
exec bash "$(dirname "${BASH_SOURCE[0]}")/install_go_tool.sh" aws-lambda-rie \
  github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie v0.0.0-20261030222936-bef5c4ba774d
