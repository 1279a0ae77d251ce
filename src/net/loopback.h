// Loopback ports for the servers onnxfn starts next to itself (the Lambda emulator under `tune`)
// and that its tests start (versitygw, the emulator, TLS servers).
#pragma once

namespace onnxfn::net {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released); Internal
// error when none can be had.
int free_loopback_port();
// Whether something accepts connections on 127.0.0.1:port now.
bool loopback_accepts(int port);

}  // namespace onnxfn::net
