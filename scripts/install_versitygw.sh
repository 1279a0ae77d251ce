#!/usr/bin/env bash
# install_versitygw.sh: versitygw (an S3-compatible server with a posix backend, used by the S3
# tests in tests/storage/ and tests/conformance/test_durable_batch.py) at .tools/bin/versitygw.
exec bash "$(dirname "${BASH_SOURCE[0]}")/install_go_tool.sh" versitygw github.com/versity/versitygw/cmd/versitygw v1.8.0
