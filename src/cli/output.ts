import type { Writable } from "node:stream";

/**
 * Writes one chunk, waiting only when the stream asks to: callers write a batch of lines at a time,
 * since a write (and an await) per line would make the process spend its time in stream bookkeeping.
 */
export function writeChunk(stream: Writable, chunk: string): Promise<void> | undefined {
  if (chunk === "" || stream.write(chunk)) return undefined;
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      stream.off("drain", onDrain);
      reject(error);
    };
    const onDrain = () => {
      stream.off("error", onError);
      resolve();
    };
    stream.once("drain", onDrain);
    stream.once("error", onError);
  });
}
