// Times ONNX Runtime for Node.js (onnxruntime-node) the way onnxfn bench times itself:
// session.run alone, inputs prepared beforehand. Prints one JSON line.
//   node ort_node_bench.js MODEL ROWS.json ROWS THREADS REPEAT WARMUP
// ROWS.json: {"name": input name, "width": features, "data": [row-major floats, null = NaN]}
const ort = require('onnxruntime-node');
const fs = require('fs');

async function main() {
  const [model, rowsFile, rowsArg, threadsArg, repeatArg, warmupArg] = process.argv.slice(2);
  const rows = Number(rowsArg), threads = Number(threadsArg), repeat = Number(repeatArg), warmup = Number(warmupArg);
  const example = JSON.parse(fs.readFileSync(rowsFile, 'utf8'));
  const have = example.data.length / example.width;
  const data = new Float32Array(rows * example.width);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < example.width; j++) {
      const v = example.data[(r % have) * example.width + j];
      data[r * example.width + j] = v === null ? NaN : v;
    }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential'});
  const feeds = {[example.name]: new ort.Tensor('float32', data, [rows, example.width])};
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const n = times.length;
  const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  console.log(JSON.stringify({median_ms: median, min_ms: times[0], rows, threads, repeat: n}));
}

main().catch((e) => { console.error(e.message); process.exit(1); });
