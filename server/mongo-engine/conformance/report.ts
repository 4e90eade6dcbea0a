// The runner's output: one line per test and the closing count line.
import type { TestReport } from './types.ts';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

export function formatReport(report: TestReport): string {
  const name = `${report.file} › ${report.description}`;
  switch (report.verdict) {
    case 'pass':
      return report.notes.length > 0 ? `PASS ${name} (note: ${oneLine(report.notes.join('; '))})` : `PASS ${name}`;
    case 'fail':
      return `FAIL ${name} — ${oneLine(report.reason ?? 'failed')}`;
    case 'skip':
      return `SKIP ${name} — ${oneLine(report.reason ?? 'skipped')}`;
  }
}

export function count(reports: readonly TestReport[]): Counts {
  return {
    passed: reports.filter((r) => r.verdict === 'pass').length,
    failed: reports.filter((r) => r.verdict === 'fail').length,
    skipped: reports.filter((r) => r.verdict === 'skip').length,
  };
}

/** `N passed, N failed` with `, N skipped` when some were. */
export function summaryLine(counts: Counts): string {
  const line = `${counts.passed} passed, ${counts.failed} failed`;
  return counts.skipped > 0 ? `${line}, ${counts.skipped} skipped` : line;
}
