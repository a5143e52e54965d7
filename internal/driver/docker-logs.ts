// Streams a container's logs as lines: demultiplexed, optionally timestamped, bounded by max_lines.
import type Dockerode from "dockerode";
import { FrameDemuxer } from "./demux.js";
import { LineSplitter } from "./log-lines.js";
import type { LogLine, LogOptions } from "./types.js";

export async function* containerLogLines(container: Dockerode.Container, options: LogOptions): AsyncGenerator<LogLine> {
  if (!Number.isSafeInteger(options.max_lines) || options.max_lines < 1) {
    throw new RangeError(`logs: max_lines is ${options.max_lines}; give a whole number of at least 1`);
  }
  const request = {
    stdout: options.stdout ?? true,
    stderr: options.stderr ?? true,
    timestamps: options.timestamps ?? false,
    ...(options.tail_lines === undefined ? {} : { tail: options.tail_lines }),
    ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
  };
  const chunks: AsyncIterable<Buffer> | Buffer[] =
    options.follow === true
      ? ((await container.logs({ ...request, follow: true })) as AsyncIterable<Buffer> & NodeJS.ReadableStream)
      : // Without follow the engine answers with the whole (rotation-bounded) log in one body.
        [await container.logs({ ...request, follow: false })];
  const demuxer = new FrameDemuxer();
  const splitter = new LineSplitter(request.timestamps);
  let yielded = 0;
  try {
    for await (const chunk of chunks) {
      for (const frame of demuxer.push(chunk)) {
        for (const line of splitter.push(frame)) {
          yield line;
          yielded += 1;
          if (yielded >= options.max_lines) return;
        }
      }
    }
    demuxer.end();
    for (const line of splitter.flush()) {
      if (yielded >= options.max_lines) return;
      yield line;
      yielded += 1;
    }
  } catch (error) {
    if (options.signal?.aborted === true) return;
    throw error;
  } finally {
    // Leaving early (bound reached, caller broke out) must close the engine connection.
    const stream = chunks as Partial<NodeJS.ReadableStream & { destroy: () => void }>;
    if (typeof stream.destroy === "function") stream.destroy();
  }
}
