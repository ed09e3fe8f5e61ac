import cliProgress from 'cli-progress';

/** A count of done steps out of a total, shown while a command works through them. */
export interface Progress {
  /** One more step done; `label` says which (shown after the bar, or on the plain line). */
  tick(label?: string): void;
  stop(): void;
}

/**
 * A progress bar on a terminal (cli-progress); when stdout is not a TTY (a script, a log file),
 * one plain line per step instead, so the output stays readable there.
 */
export function progress(title: string, total: number, stream: NodeJS.WriteStream = process.stdout): Progress {
  let done = 0;
  if (!stream.isTTY) {
    return {
      tick: (label) => void stream.write(`${title}：${++done}/${total}${label ? ` ${label}` : ''}\n`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${title} |{bar}| {value}/{total} {label}`, stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { label: '' });
  return {
    tick: (label) => bar.increment(1, { label: label ?? '' }),
    stop: () => bar.stop(),
  };
}
