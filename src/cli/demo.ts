import { Command } from "commander";
import { generateRequests } from "../generate/traffic.ts";
import { loadRefineDependencies } from "../refine/dependencies.ts";
import { createRefiner } from "../refine/refine.ts";
import { RefineSummary } from "../refine/summary.ts";

/** What `npm start` runs: an hour of generated traffic, refined, summarised. */
export function demoCommand(): Command {
  return new Command("demo")
    .description("Generate an hour of realistic traffic, refine it, and print what the definition made of it")
    .option("--seed <n>", "random seed", (value) => Number.parseInt(value, 10), 1)
    .option("--rate <requests-per-second>", "average request rate", Number, 100)
    .action((options: { seed: number; rate: number }) => {
      const start = new Date();
      start.setUTCMinutes(0, 0, 0);
      start.setUTCHours(start.getUTCHours() - 1);
      const refine = createRefiner(loadRefineDependencies(), { hasXAnalytics: true });
      const summary = new RefineSummary();
      const viewsByArticle = new Map<string, number>();
      for (const request of generateRequests({ seed: options.seed, start, hours: 1, rate: options.rate })) {
        const { record, rules } = refine(request);
        summary.addRecord(record, rules);
        if (record.is_pageview && record.agent_type === "user") {
          const key = `${record.project} ${record.article}`;
          viewsByArticle.set(key, (viewsByArticle.get(key) ?? 0) + 1);
        }
      }
      const top = [...viewsByArticle].sort((a, b) => b[1] - a[1]).slice(0, 10);
      process.stdout.write(`Refined one hour of generated traffic from ${start.toISOString()}\n\n`);
      process.stdout.write(summary.format());
      process.stdout.write("\nmost viewed articles (user agents):\n");
      for (const [article, views] of top)
        process.stdout.write(`  ${String(views).padStart(6)}  ${article}\n`);
    });
}
