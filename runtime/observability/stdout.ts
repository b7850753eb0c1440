/**
 * Standard output for what a server prints once at start (its listing), without `process.stdout`:
 * creating that stream loads Node's stream machinery, ~15 ms of CPU of a `motia start` that
 * otherwise needs none of it (docs/performance.md). Log lines still go through `process.stdout`
 * (logger.ts), and so does the rest of a write the file descriptor did not take at once.
 */
import { writeSync } from 'node:fs'

/** True when standard output is a terminal (what `process.stdout.isTTY` says). */
export function stdoutIsTerminal(): boolean {
  try {
    return (process.binding('tty_wrap') as { isTTY(fd: number): boolean }).isTTY(1)
  } catch {
    return Boolean(process.stdout.isTTY)
  }
}

/** Writes `text` to standard output now, in order with what was written before it. */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text)
  let written = 0
  try {
    written = writeSync(1, bytes)
  } catch {
    // A non-blocking pipe that is full (EAGAIN): the stream queues what is left.
  }
  if (written < bytes.length) process.stdout.write(bytes.subarray(written))
}
