import { open } from "node:fs/promises";

/** Makes a new or renamed directory entry durable: the directory itself must reach the disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
