import { parentPort, workerData } from "node:worker_threads";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { RawZone } from "../store/raw-zone.ts";
import { type IngestStore, ingest } from "./ingest.ts";
import {
  type FromIngestWorker,
  type IngestWorkerData,
  PROXIED_STORE_METHODS,
  type ToIngestWorker,
} from "./ingest-workers.ts";

/** One worker thread of `ingest --workers N`: an ingest of its shard, with the store on the main thread. */

const port = parentPort;
if (port === null) throw new Error("ingest-worker.ts runs as a worker thread");
const data = workerData as IngestWorkerData;

const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextCall = 0;
port.on("message", (message: ToIngestWorker) => {
  const call = pending.get(message.id);
  if (call === undefined) return;
  pending.delete(message.id);
  if (message.error !== undefined) call.reject(new Error(message.error));
  else call.resolve(message.result);
});

const post = (message: FromIngestWorker) => port.postMessage(message);

const store = Object.fromEntries(
  PROXIED_STORE_METHODS.map((method) => [
    method,
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextCall++;
        pending.set(id, { resolve, reject });
        post({ type: "store", id, method, args });
      }),
  ]),
) as unknown as IngestStore;

try {
  const report = await ingest(data.inputs, data.options, {
    store,
    rawZone: new RawZone(data.dataDir),
    refineDependencies: loadRefineDependencies({ geoDatabase: data.geoDatabase }),
    secretKey: Buffer.from(data.secretKey),
    onProgress: (progress) => post({ type: "progress", progress }),
  });
  post({ type: "done", report });
} catch (error) {
  post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
port.close();
