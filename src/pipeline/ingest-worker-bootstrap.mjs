// Worker threads start without the parent's TypeScript loader: register tsx first, as bin/pageviews does.
import { register } from "tsx/esm/api";

register();
await import("./ingest-worker.ts");
