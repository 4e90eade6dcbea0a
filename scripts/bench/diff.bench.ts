// Word diff benchmark: the time and the extra heap of `wordDiff` (shared/word-diff.ts) on
// a 3,000-word article of agreement French, wholly rewritten and amended, against the
// quadratic-space diff it replaced (test/helpers/legacy-word-diff.ts). Measured in a child
// process whose young generation holds every allocation of one diff (so that the heap
// grown is what the diff allocated, garbage included), with the GC exposed to start clean.
// DIFF_BENCH_RUNS (7): runs per case, the median printed; DIFF_BENCH_LEGACY=0 skips the old
// diff on the rewrite (seconds and hundreds of megabytes).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { round } from './children.ts';

const SELF = fileURLToPath(import.meta.url);
const RUNS = Number(process.env.DIFF_BENCH_RUNS ?? 7);
const YOUNG_MB = 256;

interface Figure {
  /** Median wall time of one diff, and its CPU time (the machine may be busy). */
  ms: number;
  cpuMs: number;
  /** Heap grown by one diff (allocations, garbage included); null if a collection ran meanwhile. */
  heapMb: number | null;
  replaced: boolean;
  edits: number | null;
}

type Case = 'rewrite' | 'amendment' | 'revision' | 'agreement';

async function child(): Promise<void> {
  const { wordDiff, wordEdits } = await import('../../shared/word-diff.ts');
  const { compareAgreements } = await import('../../shared/text-diff.ts');
  const { legacyDiffWords } = await import('../../test/helpers/legacy-word-diff.ts');
  const { frenchArticle, amendWords } = await import('../../test/helpers/french-text.ts');
  const gc = globalThis.gc as () => void;
  let collections = 0;
  new PerformanceObserver((list) => (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });

  const article = frenchArticle(3_000, 1);
  const texts: Record<Exclude<Case, 'agreement'>, [string, string]> = {
    rewrite: [article.join('\n'), frenchArticle(3_000, 2).join('\n')],
    amendment: [article.join('\n'), amendWords(article, 7).join('\n')],
    // One word in six replaced all through the article: the largest change the bound lets through.
    revision: [article.join('\n'), article.map((block, i) => amendWords([block], i, Math.ceil(block.split(' ').length / 6))[0]).join('\n')],
  };
  // A whole agreement: 100 articles of 300 words, each with an amendment-sized change.
  const articles = Array.from({ length: 100 }, (_, i) => ({ id: `a${i}`, number: String(i + 1), title: `Article ${i + 1}`, blocks: frenchArticle(300, 100 + i) }));
  const agreement: [typeof articles, typeof articles] = [articles, articles.map((a, i) => ({ ...a, blocks: amendWords(a.blocks, i) }))];

  const settle = () => new Promise((r) => setTimeout(r, 30));
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  // Timed runs and weighed runs apart: a forced collection leaves sweeping work behind that
  // would slow the run after it.
  const measure = async (run: () => { replaced: boolean; edits: number | null }, runs: number, warm = true): Promise<Figure> => {
    let outcome = warm ? run() : { replaced: false, edits: null as number | null };
    const times: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < runs; i++) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      outcome = run();
      times.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
    }
    const heaps: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
      gc();
      await settle(); // the observer hears of that collection before the diff starts
      const seen = collections;
      const heap = process.memoryUsage().heapUsed;
      run();
      const grown = process.memoryUsage().heapUsed - heap;
      await settle();
      if (collections === seen) heaps.push(grown);
    }
    return {
      ms: round(median(times)),
      cpuMs: round(median(cpus)),
      heapMb: heaps.length > 0 ? round(median(heaps) / 2 ** 20, 1) : null,
      ...outcome,
    };
  };

  const results: Record<string, Figure> = {};
  for (const name of ['rewrite', 'amendment', 'revision'] as const) {
    const [from, to] = texts[name];
    results[name] = await measure(() => {
      const diff = wordDiff(from, to);
      return { replaced: diff.replaced, edits: diff.replaced ? null : (wordEdits(from, to)?.edits ?? null) };
    }, RUNS);
  }
  results.agreement = await measure(() => {
    const compared = compareAgreements({ articles: agreement[0] }, { articles: agreement[1] });
    return { replaced: compared.some((c) => c.replaced), edits: null };
  }, RUNS);
  results.legacyAmendment = await measure(() => (legacyDiffWords(...texts.amendment), { replaced: false, edits: null }), RUNS);
  if (process.env.DIFF_BENCH_LEGACY !== '0') {
    results.legacyRewrite = await measure(() => (legacyDiffWords(...texts.rewrite), { replaced: false, edits: null }), 1, false);
  }
  process.send?.(results);
}

if (process.env.DIFF_BENCH_CHILD) {
  await child();
  process.exit(0);
}

export async function run() {
  const proc = fork(SELF, [], {
    env: { ...process.env, DIFF_BENCH_CHILD: '1' },
    execArgv: ['--expose-gc', `--min-semi-space-size=${YOUNG_MB}`, `--max-semi-space-size=${YOUNG_MB}`],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const figures = await new Promise<Record<string, Figure>>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as Record<string, Figure>));
    proc.once('exit', (code) => reject(new Error(`diff bench child exited (${code})`)));
  });
  const targets = { rewriteMs: 100, rewriteHeapMb: 20, amendmentMs: 5 };
  const heap = (f: Figure) => (f.heapMb === null ? `> ${YOUNG_MB} MB (collected meanwhile)` : `${f.heapMb} MB`);
  const line = (label: string, f: Figure, extra = '') =>
    process.stdout.write(`${label.padEnd(46)} ${String(f.ms).padStart(8)} ms (cpu ${f.cpuMs} ms)  heap +${heap(f)}${f.replaced ? '  replaced as a whole' : ''}${f.edits !== null ? `  ${f.edits} tokens edited` : ''}${extra}\n`);
  process.stdout.write(`3,000-word article, median of ${RUNS} runs\n`);
  line('rewritten wholly', figures.rewrite, `  (targets ≤ ${targets.rewriteMs} ms, ≤ ${targets.rewriteHeapMb} MB)`);
  line('amendment-sized change (3 words)', figures.amendment, `  (target ≤ ${targets.amendmentMs} ms)`);
  line('revised, one word in six (within the bound)', figures.revision);
  line('agreement, 100 articles of 300 words amended', figures.agreement);
  line('former diff, amendment-sized change', figures.legacyAmendment, `  (${round(figures.legacyAmendment.ms / figures.amendment.ms, 1)}× the new)`);
  if (figures.legacyRewrite) line('former diff, rewritten wholly (one run)', figures.legacyRewrite, `  (${round(figures.legacyRewrite.ms / figures.rewrite.ms, 0)}× the new)`);
  const passed =
    figures.rewrite.ms <= targets.rewriteMs &&
    figures.rewrite.heapMb !== null &&
    figures.rewrite.heapMb <= targets.rewriteHeapMb &&
    figures.amendment.ms <= targets.amendmentMs;
  // On a busy machine the wall time waits for a core; the CPU time says what the diff costs.
  const passedOnCpu = figures.rewrite.cpuMs <= targets.rewriteMs && figures.amendment.cpuMs <= targets.amendmentMs;
  process.stdout.write(`targets → ${passed ? 'met' : 'NOT met'} (on CPU time: ${passedOnCpu ? 'met' : 'NOT met'})\n`);
  return { runs: RUNS, ...figures, targets, passed, passedOnCpu };
}
