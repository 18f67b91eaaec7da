import type { FileSink } from "bun";

/** Text tails kept in memory: enough for a failure message, bounded however long the child runs. */
const OUTPUT_TAIL_CHARS = 20_000;
const STDERR_TAIL_CHARS = 4_000;

export interface ChildOutputOptions {
  /** Keep each stdout line for which this returns true (e.g. log lines at warn and above). */
  collect?: (line: string) => boolean;
  /** At most this many collected lines are kept; later matches are dropped. Default 1000. */
  maxCollected?: number;
  /** Every byte the child writes to stdout is also written to this file. */
  logFile?: string;
  /** Also copy the child's stderr to ours (for reading a run by eye). */
  echoStderr?: boolean;
}

/** What a child process has written so far; filled in the background until its pipes close. */
export interface ChildOutput {
  /** The tail of stdout and stderr, interleaved as it arrived. */
  output(): string;
  /** The tail of stderr alone. */
  stderr(): string;
  /** stdout lines that passed `collect`, in order. */
  readonly collected: string[];
  /** Settles when both pipes are closed and the log file is flushed. Never rejects. */
  readonly done: Promise<void>;
}

/**
 * Reads both pipes of a child to their end. They must be read all along: once a pipe's buffer is
 * full the child blocks on its next log line, which would show up as a hung or slow server.
 */
export function drainChildOutput(
  pipes: { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array> },
  options: ChildOutputOptions = {},
): ChildOutput {
  const collected: string[] = [];
  const maxCollected = options.maxCollected ?? 1000;
  let output = "";
  let stderr = "";
  let partialLine = "";
  const log: FileSink | undefined = options.logFile ? Bun.file(options.logFile).writer() : undefined;

  const onStdout = (chunk: Uint8Array, text: string) => {
    log?.write(chunk);
    output = (output + text).slice(-OUTPUT_TAIL_CHARS);
    if (!options.collect) return;
    const lines = (partialLine + text).split("\n");
    partialLine = lines.pop() ?? "";
    for (const line of lines) if (collected.length < maxCollected && options.collect(line)) collected.push(line);
  };
  const onStderr = (chunk: Uint8Array, text: string) => {
    if (options.echoStderr) process.stderr.write(chunk);
    output = (output + text).slice(-OUTPUT_TAIL_CHARS);
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
  };

  const done = Promise.all([pump(pipes.stdout, onStdout).finally(() => log?.end()), pump(pipes.stderr, onStderr)]).then(
    () => {},
    // A pipe that errors has nothing more to give; the tails keep what arrived before.
    () => {},
  );
  return { output: () => output, stderr: () => stderr, collected, done };
}

async function pump(stream: ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array, text: string) => void) {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onChunk(value, decoder.decode(value, { stream: true }));
  }
}
