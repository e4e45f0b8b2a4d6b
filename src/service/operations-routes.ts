import type { FastifyInstance } from "fastify";
import type { Store } from "../store/store.ts";

/**
 * `GET /healthz`: the process answers (liveness). `GET /readyz`: the store answers and the data is
 * fresh enough (readiness): 503 with the failing check otherwise, for load balancers and probes. The
 * Kafka consumer's state is reported, not checked: the API answers as well without it, and a Kafka
 * outage that lasts shows as lag.
 */
export function addOperationsRoutes(
  app: FastifyInstance,
  checks: {
    store: Store;
    lagSeconds: () => number | null;
    maxLagSeconds: number;
    kafkaState?: () => string;
  },
): void {
  const noCache = { "cache-control": "no-store" };
  app.get("/healthz", { schema: { hide: true } }, async (_request, reply) => {
    reply.headers(noCache);
    return { status: "ok" };
  });

  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    reply.headers(noCache);
    let store = "ok";
    try {
      await checks.store.availability();
    } catch (error) {
      store = `unreachable: ${(error as Error).message}`;
    }
    const lag = checks.lagSeconds();
    // No hour processed yet is not a fault: a new system has nothing to be late with.
    const fresh = lag === null || lag <= checks.maxLagSeconds;
    const ready = store === "ok" && fresh;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? "ready" : "not ready",
      store,
      lag_seconds: lag === null ? null : Math.round(lag),
      max_lag_seconds: checks.maxLagSeconds,
      ...(checks.kafkaState === undefined ? {} : { kafka: checks.kafkaState() }),
    });
  });
}
