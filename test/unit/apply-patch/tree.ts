// Test helper: a directory tree as a sorted map of relative path -> file bytes (as text) or
// "<dir>", so whole trees compare with one toEqual, empty directories included.
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const key = rel === '' ? name : `${rel}/${name}`;
      if (statSync(full).isDirectory()) {
        out[`${key}/`] = '<dir>';
        walk(full, key);
      } else {
        out[key] = readFileSync(full, 'latin1');
      }
    }
  };
  walk(root, '');
  return out;
}

export function copyTree(from: string, to: string): void {
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
