import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Whatever the process creates from now on is its own alone: files 0600, folders 0700 (umask 077). */
export function createPrivately(): void {
  process.umask(0o077);
}

/**
 * The data folder (embedded database, cookie secret, `.eml` files with single-use links, attachments) readable by the
 * service's own user only. Creates it 0700 when missing; at every start, tightens the folder and everything in it that
 * another user could read or write (folders to 0700, files to their owner's bits only) and returns what it changed, for the start-up log.
 * Symbolic links are not followed.
 */
export function secureDataDir(dir: string): { tightened: string[] } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tightened: string[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) {
      // Folders 0700; files keep their owner's bits only (0600 for what the service writes).
      chmodSync(p, st.isDirectory() ? 0o700 : st.mode & 0o700);
      tightened.push(path.relative(dir, p) || '.');
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return { tightened };
}
