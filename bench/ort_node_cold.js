// Cold start of Node.js + onnxruntime-node: load the model and predict one row, then exit.
//   node ort_node_cold.js MODEL ROWS.json
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [model, rowsFile] = process.argv.slice(2);
  const example = JSON.parse(fs.readFileSync(rowsFile, 'utf8'));
  const row = Float32Array.from(example.data.slice(0, example.width), (v) => (v === null ? NaN : v));
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 1});
  await session.run({[example.name]: new ort.Tensor('float32', row, [1, example.width])});
})().catch((e) => { console.error(e.message); process.exit(1); });
