import { buildProgram } from "./program.ts";

// A reader that quits early (`pageviews refine … | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  // Failures a user can act on (a missing file, a locked data directory) get one clear line, not a stack.
  process.stderr.write(`pageviews: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
