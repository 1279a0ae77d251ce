// Today's stack, reproduced for the benchmark: a Node.js custom runtime (the Runtime API loop with
// the http module, as small as aws-lambda-ric's) running an ONNX model with onnxruntime-node.
// The event is an Open Inference Protocol v2 request, as onnxfn takes it; the answer lists the
// label and probability outputs the same way.
const http = require('http');
const ort = require('onnxruntime-node');

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({keepAlive: true, maxSockets: 1});
const base = '/2018-06-01/runtime';

function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({host, port, method, path: base + path, agent, headers}, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body); else req.end();
  });
}

function encode(name, tensor) {
  const data = tensor.type === 'int64' ? Array.from(tensor.data, Number) : Array.from(tensor.data);
  return {name, datatype: tensor.type === 'int64' ? 'INT64' : 'FP32', shape: tensor.dims, data};
}

async function main() {
  let session;
  try {
    session = await ort.InferenceSession.create(process.env.LAMBDA_TASK_ROOT + '/' + process.env._HANDLER);
  } catch (e) {
    await call('POST', '/init/error', JSON.stringify({errorMessage: String(e), errorType: 'Runtime.InitError'}));
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = next.headers['lambda-runtime-aws-request-id'];
    try {
      const request = JSON.parse(next.body);
      const feeds = {};
      for (const input of request.inputs)
        feeds[input.name] = new ort.Tensor('float32', Float32Array.from(input.data.flat(Infinity), (v) => (v === null ? NaN : v)), input.shape);
      const results = await session.run(feeds);
      const outputs = session.outputNames.map((n) => encode(n, results[n]));
      await call('POST', `/invocation/${id}/response`, JSON.stringify({model_name: 'model', outputs}));
    } catch (e) {
      await call('POST', `/invocation/${id}/error`, JSON.stringify({errorMessage: String(e), errorType: 'Error'}));
    }
  }
}

main();
