import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compareUtf8 } from "./utf8-order.ts";

/** Each export folder's checksum file, in the format `sha256sum -c` reads (as Wikimedia's md5sums.txt). */
export const CHECKSUM_FILE = "sha256sums.txt";

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest("hex");
}

/** Rewrites a folder's checksum file: a `<hex>  <name>` line for every other file in it, by name. */
export async function writeChecksums(folder: string): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile() && entry.name !== CHECKSUM_FILE && !entry.name.endsWith(".partial"))
    .map((entry) => entry.name)
    .sort(compareUtf8);
  let text = "";
  for (const name of names) text += `${await sha256File(join(folder, name))}  ${name}\n`;
  const path = join(folder, CHECKSUM_FILE);
  await writeFile(`${path}.partial`, text);
  await rename(`${path}.partial`, path);
}
