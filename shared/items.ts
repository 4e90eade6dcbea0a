import { z } from 'zod';
import { IdSchema } from './ids.ts';

/** What a position or a vote is about: an article, an amendment, the whole text, or (votes only) a question. */
export const ItemSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('article'), id: IdSchema }),
  z.strictObject({ kind: z.literal('amendment'), id: IdSchema }),
  z.strictObject({ kind: z.literal('text') }),
  z.strictObject({ kind: z.literal('question'), text: z.string().trim().min(1).max(1000) }),
]);
export type Item = z.infer<typeof ItemSchema>;

/** The key of an item in a matrix or a filter: `article:<id>`, `amendment:<id>`, `text`, `question:<text>`. */
export function itemKey(item: Item): string {
  if (item.kind === 'text') return 'text';
  if (item.kind === 'question') return `question:${item.text}`;
  return `${item.kind}:${item.id}`;
}
