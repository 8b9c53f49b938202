/**
 * Baseline: a bare Express 5 app. POST /v1/orders answers 202 with an operation-like JSON body and
 * does nothing else; GET /v1/orders/:id and /v1/operations/:id answer the JSON texts captured from
 * the gateway (BENCH_READS_FILE: {"<path>": "<json text>"}). Listens on HTTP_PORT.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import express from 'express';

const reads = new Map<string, string>(
  Object.entries(process.env.BENCH_READS_FILE ? (JSON.parse(fs.readFileSync(process.env.BENCH_READS_FILE, 'utf8')) as Record<string, string>) : {}),
);
const app = express();

app.post('/v1/orders', (_req, res) => {
  const id = randomUUID();
  const now = new Date().toISOString();
  res
    .status(202)
    .location(`/v1/operations/${id}`)
    .set('retry-after', '1')
    .json({ id, type: 'order.create.v1', status: 'accepted', done: false, createdAt: now, updatedAt: now });
});

app.get(['/v1/orders/:id', '/v1/operations/:id'], (req, res) => {
  const body = reads.get(req.path);
  if (body === undefined) res.status(404).end();
  else res.type('application/json').send(body);
});

const server = app.listen(Number(process.env.HTTP_PORT), '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
