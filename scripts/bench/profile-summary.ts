// What a V8 CPU profile (.cpuprofile, from `node --cpu-prof` or the inspector) says at a
// glance: self time by area (our folders, each package, Node's internals, the garbage
// collector) and by function, and the time spent in each of our own functions and what they
// call (inclusive). Samples of the profiler stopping itself (node:inspector) are left out. Not a benchmark itself: the benchmarks print it for their
// profiles; `node scripts/bench/profile-summary.ts FILE` prints it for any profile.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Sampled time not spent idle. */
  busyMs: number;
  /** Shares of the busy time. */
  areas: { name: string; ms: number; percent: number }[];
  functions: { name: string; ms: number; percent: number }[];
  /** Our functions (outside node_modules), with everything they call. */
  inclusive: { name: string; ms: number; percent: number }[];
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** "server/collab", "yjs", "node:internal", "(garbage collector)"… */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = file.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const relative = path.relative(ROOT, file);
  return relative.startsWith('..') ? file : path.dirname(relative);
}

const isOurs = (url: string) => url.startsWith('file://') && !url.includes('/node_modules/');

export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const nameOf = ({ functionName, url, lineNumber }: ProfileNode['callFrame']) =>
    `${functionName || '(anonymous)'}${url ? ` ${areaOf(url, functionName)}/${path.basename(url)}:${lineNumber + 1}` : ''}`;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, us: number) => m.set(key, (m.get(key) ?? 0) + us);
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)' || callFrame.url.startsWith('node:inspector')) return;
    busy += us;
    add(areas, areaOf(callFrame.url, callFrame.functionName), us);
    add(functions, nameOf(callFrame), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!isOurs(frame.url)) continue;
      const name = nameOf(frame);
      if (seen.has(name)) continue; // recursion counts once
      seen.add(name);
      add(inclusive, name, us);
    }
  });
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Math.round((us / busy) * 1000) / 10 }));
  return {
    totalMs: Math.round((profile.endTime - profile.startTime) / 1000),
    busyMs: Math.round(busy / 1000),
    areas: ranked(areas),
    functions: ranked(functions),
    inclusive: ranked(inclusive),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node scripts/bench/profile-summary.ts FILE.cpuprofile\n');
    process.exit(2);
  }
  const summary = summariseProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  process.stdout.write(`${summary.busyMs} ms busy of ${summary.totalMs} ms\n`);
  for (const a of summary.areas.slice(0, 15)) process.stdout.write(`${String(a.percent).padStart(5)} %  ${a.name}\n`);
  process.stdout.write('heaviest functions (self time):\n');
  for (const f of summary.functions.slice(0, 25)) process.stdout.write(`${String(f.percent).padStart(5)} %  ${f.name}\n`);
  process.stdout.write('our functions, with what they call:\n');
  for (const f of summary.inclusive.slice(0, 25)) process.stdout.write(`${String(f.percent).padStart(5)} %  ${f.name}\n`);
}
