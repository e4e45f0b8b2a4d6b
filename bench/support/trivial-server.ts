/**
 * The API benchmark's baseline: fastify answering one route with a fixed JSON body, in its own process
 * as the API server is. Prints its address, then serves until killed.
 */
import Fastify from "fastify";

const body = {
  items: [
    {
      project: "en.wikipedia",
      article: "Main_Page",
      granularity: "daily",
      timestamp: "2016010100",
      access: "all-access",
      agent: "all-agents",
      views: 16357307,
    },
  ],
};
const app = Fastify();
app.get("/fixed", async () => body);
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${address}\n`);
