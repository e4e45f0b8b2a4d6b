import { buildProgram } from "./program.ts";

// A reader that quits early (`pageviews refine … | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

await buildProgram().parseAsync(process.argv);
