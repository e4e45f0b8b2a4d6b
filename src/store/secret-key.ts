import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const KEY_FILE = "secret.key";
const KEY_BYTES = 32;

/**
 * The data directory's secret for keyed hashes of IPs in the actor metrics. Created on first use,
 * readable by the owner only. Deleting it makes old and new IP keys unrelated, which is harmless:
 * they are only compared within a 24-hour window.
 */
export async function loadSecretKey(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, KEY_FILE);
  try {
    await writeFile(path, randomBytes(KEY_BYTES), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const key = await readFile(path);
  if (key.length !== KEY_BYTES)
    throw new Error(`${path} is damaged: expected ${KEY_BYTES} bytes, found ${key.length}`);
  return key;
}
