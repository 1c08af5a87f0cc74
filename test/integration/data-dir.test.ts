import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secureDataDir } from '../../src/lib/data-dir.js';
import { fileMailer } from '../../src/outbox/mailer.js';
import { spawnServer } from '../helpers/server-process.js';

/** Security review item 14: nothing in the data folder is readable by another user of the machine. */
const mode = (p: string) => statSync(p).mode & 0o777;
const everything = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).map((d) => path.join(d.parentPath, d.name));

describe('the data folder', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'prevent-data-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is created 0700, and an existing one that others could read is tightened at start', () => {
    const fresh = path.join(root, 'fresh');
    expect(secureDataDir(fresh).tightened).toEqual([]);
    expect(mode(fresh)).toBe(0o700);

    const old = path.join(root, 'old');
    mkdirSync(path.join(old, 'outbox'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(old, 'outbox', 'a.eml'), 'x', { mode: 0o644 });
    writeFileSync(path.join(old, 'cookie-secret'), 'y', { mode: 0o666 });
    const { tightened } = secureDataDir(old);
    expect(tightened.sort()).toEqual(['.', 'cookie-secret', 'outbox', 'outbox/a.eml'].sort());
    expect(mode(old)).toBe(0o700);
    expect(mode(path.join(old, 'outbox'))).toBe(0o700);
    expect(mode(path.join(old, 'outbox', 'a.eml'))).toBe(0o600);
    expect(mode(path.join(old, 'cookie-secret'))).toBe(0o600);
  });

  it('gets .eml files 0600 in a 0700 folder from the file mailer', async () => {
    const folder = path.join(root, 'mail');
    const mailer = fileMailer(folder);
    await mailer.send({ from: 'a@example.org', to: 'b@example.org', subject: 's', text: 't', messageId: '<m1@x>' });
    expect(mode(folder)).toBe(0o700);
    const [file] = readdirSync(folder);
    expect(mode(path.join(folder, file!))).toBe(0o600);
    mailer.close();
  });

  it('holds nothing that another user could read once the service has started on the embedded database', async () => {
    const dataDir = path.join(root, 'service');
    const server = await spawnServer({ dataDir });
    try {
      await server.ready(60_000);
    } finally {
      await server.stop();
    }
    const paths = [dataDir, ...everything(dataDir)];
    expect(paths.some((p) => p.includes('pglite'))).toBe(true);
    expect(paths.filter((p) => (mode(p) & 0o077) !== 0)).toEqual([]);
  }, 120_000);
});
