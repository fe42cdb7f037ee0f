// Scenarios 8 and 9: the OpenTelemetry collector the traced service exports to, as cheap as one can be. It takes
// `POST /v1/traces` in any encoding, reads the body and answers 200 at once (an empty body: full success), and
// counts export requests and bytes for the report (`GET /stats`).
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 4318);
const stats = { exports: 0, bytes: 0 };

createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/v1/traces') {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      stats.exports += 1;
      stats.bytes += bytes;
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  res.writeHead(404).end();
}).listen(port, '127.0.0.1');
