import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export type Phase = 'start' | 'idle' | 'load' | 'drain' | 'stop';
export interface OutputLine {
  phase: Phase;
  text: string;
  count: number;
}

/** A log line with its numbers blanked, so that repeats of one warning count as one line. */
function normalise(line: string): string {
  const l = line.replace(/^\[[\w.-]+\] /, '');
  try {
    const j = JSON.parse(l) as { level?: unknown; msg?: unknown; err?: string | { message?: unknown } };
    if (typeof j === 'object' && j !== null && 'msg' in j) {
      const e = typeof j.err === 'string' ? j.err : j.err?.message;
      const errMsg = typeof e === 'string' ? ` (${e.replace(/'\{[\d,]*\}'/g, "'{…}'")})` : '';
      return `level=${String(j.level)} ${String(j.msg)}${errMsg}`.replace(/\d+/g, 'N').slice(0, 240);
    }
  } catch {
    /* not JSON */
  }
  return l.replace(/\d+/g, 'N').slice(0, 240);
}

/** Every line the measured commands print, counted per phase (and written raw to --log, keys redacted). */
export class OutputLog {
  phase: Phase = 'start';
  private readonly lines = new Map<string, OutputLine>();
  private readonly file: WriteStream | undefined;

  constructor(
    logPath: string | undefined,
    private readonly cwd: string,
  ) {
    this.file = logPath ? createWriteStream(logPath) : undefined;
  }

  capture(child: ChildProcess, source: string): void {
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream?.on('data', (d: Buffer) => {
        buf += d.toString();
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        for (const raw of parts) {
          this.file?.write(`${this.phase} ${source} ${raw.replace(/sk_[A-Za-z0-9_]+/g, 'sk_<redacted>')}\n`);
          if (!raw.trim()) continue;
          const text = normalise(raw.replace(/sk_[A-Za-z0-9_]+/g, 'sk_<redacted>'));
          const k = `${this.phase}\0${text}`;
          const e = this.lines.get(k) ?? { phase: this.phase, text, count: 0 };
          e.count++;
          this.lines.set(k, e);
        }
      });
    }
  }

  /** Runs `cmd` with bash in the working directory; resolves with its stdout once it exits 0. */
  run(cmd: string, source: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const c = spawn('bash', ['-c', cmd], { cwd: this.cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      this.capture(c, source);
      c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${source} exited ${code}: ${cmd}`))));
    });
  }

  /** The counted lines, most frequent first. */
  counted(): OutputLine[] {
    return [...this.lines.values()].sort((a, b) => b.count - a.count);
  }
}
