import { buildWorkingView, type WorkingDocument } from './agreement-view.ts';
import { buildAmendmentBook, type AmendmentBookInput } from './amendment-book.ts';
import { renderAmendmentBookDocx, renderAmendmentBookPdf } from './amendment-book-render.ts';
import { buildComparison, type ComparisonInput } from './comparison.ts';
import { renderComparisonDocx } from './comparison-docx.ts';
import { renderComparisonPdf } from './comparison-pdf.ts';
import { renderWorkingDocx } from './docx.ts';
import { renderWorkingPdf } from './pdf.ts';

/**
 * Rendering the working documents in a worker thread (server/common/worker-pool.ts): a
 * version's text, a comparison (Yjs states decoded, diffed, attributed) and the amendment
 * book. Pure: everything comes in the job.
 */

export type WorkingFormat = 'pdf' | 'docx';

export type DocumentJob =
  | { kind: 'working'; document: WorkingDocument; format: WorkingFormat; at: string }
  | { kind: 'comparison'; input: ComparisonInput; format: WorkingFormat; at: string }
  | { kind: 'book'; input: AmendmentBookInput; format: WorkingFormat; at: string };

export async function renderDocument(job: DocumentJob): Promise<Uint8Array> {
  const at = new Date(job.at);
  switch (job.kind) {
    case 'working': {
      const view = buildWorkingView(job.document);
      return job.format === 'pdf' ? renderWorkingPdf(view, at) : renderWorkingDocx(view);
    }
    case 'comparison': {
      const comparison = buildComparison(job.input);
      return job.format === 'pdf' ? renderComparisonPdf(comparison, at) : renderComparisonDocx(comparison, at);
    }
    case 'book': {
      const book = buildAmendmentBook(job.input);
      return job.format === 'pdf' ? renderAmendmentBookPdf(book, at) : renderAmendmentBookDocx(book);
    }
  }
}
