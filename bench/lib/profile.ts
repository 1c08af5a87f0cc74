import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by where the code lives: a package, our src/, Node internals, GC, idle. */
  byArea: { area: string; ms: number; pct: number }[];
  /** Self time by function. */
  byFunction: { fn: string; ms: number; pct: number }[];
  /** Time in a function and everything it called, for functions in our code and in packages. */
  inclusive: { fn: string; ms: number; pct: number }[];
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]!.split('/')[0]}`;
  return url;
}

function shortUrl(url: string): string {
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/((?:src|bench|test)\/.*)$/.exec(url);
  return ours ? ours[1]! : url.replace(/^file:\/\//, '');
}

/** Self time per function and per area from a V8 .cpuprofile (as written by the inspector's Profiler.stop). */
export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const name = (frame: CallFrame) =>
    `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if (!/node_modules|\/src\//.test(frame.url)) continue;
      const key = name(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = frame.url ? name(frame) : frame.functionName || '(native)';
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ key: k, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    byArea: rank(areas).map(({ key, ms, pct }) => ({ area: key, ms, pct })),
    byFunction: rank(fns).map(({ key, ms, pct }) => ({ fn: key, ms, pct })),
    inclusive: rank(inclusive).map(({ key, ms, pct }) => ({ fn: key, ms, pct })),
  };
}

/** A profile summary as plain text lines. */
export function formatProfile(title: string, s: ProfileSummary, rows = 12): string {
  const lines = [`${title} (${s.totalMs} ms sampled)`, '  self time by area:'];
  for (const a of s.byArea.slice(0, rows)) lines.push(`    ${String(a.pct).padStart(5)}%  ${a.area}`);
  lines.push('  self time by function:');
  for (const f of s.byFunction.slice(0, rows)) lines.push(`    ${String(f.pct).padStart(5)}%  ${f.fn}`);
  lines.push('  inclusive time (our code and packages):');
  for (const f of s.inclusive.slice(0, rows)) lines.push(`    ${String(f.pct).padStart(5)}%  ${f.fn}`);
  return lines.join('\n');
}

// `node --import tsx bench/lib/profile.ts <file.cpuprofile>…` prints a longer summary.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const file of process.argv.slice(2)) console.log(formatProfile(file, summariseProfile(file, 30), 30));
}
