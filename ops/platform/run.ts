/**
 * Runs every platform process (compiled: `npm run build` first) as a child, prefixes their output, and on Ctrl-C (SIGINT/SIGTERM)
 * stops them all with SIGTERM so each finishes its work in hand. One dying stops the rest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROCESSES } from './processes';

// The repository root, whether this file runs compiled (dist/ops/platform) or from source.
const root = path.resolve(__dirname, ...(__dirname.endsWith(path.join('dist', 'ops', 'platform')) ? ['..', '..', '..'] : ['..', '..']));
const children = new Map<string, ChildProcess>();
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children.values()) c.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const c of children.values()) c.kill('SIGKILL');
  }, 15_000);
  const check = setInterval(() => {
    if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) {
      clearInterval(check);
      clearTimeout(force);
      process.exit(code);
    }
  }, 100);
}

for (const p of PROCESSES) {
  const child = spawn(process.execPath, [path.join(root, p.entry), ...p.args], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only this supervisor, which then sends each child one
    // SIGTERM (a second signal would make a child exit at once instead of finishing its work).
    detached: true,
  });
  children.set(p.name, child);
  const prefix = `[${p.name}] `;
  const pipe = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
    let buf = '';
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) out.write(prefix + l + '\n');
    });
  };
  pipe(child.stdout!, process.stdout);
  pipe(child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping the platform`);
      stopAll(1);
    }
  });
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
process.on('exit', () => {
  for (const c of children.values()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
