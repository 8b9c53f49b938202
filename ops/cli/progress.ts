import { Presets, SingleBar } from 'cli-progress';
import type { OutputOptions } from './output';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr, only for a person watching: not with --json, not when stderr is a pipe or file. */
export function progressBar(opts: OutputOptions, format: string): Progress | null {
  if (opts.json || !process.stderr.isTTY) return null;
  const bar = new SingleBar({ format, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (stopped) return;
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}
