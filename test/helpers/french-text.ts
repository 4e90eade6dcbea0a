import { DEMO_NEGOTIATIONS } from '../../server/seed/demo-content.ts';

/**
 * Articles of agreement-like French for diff tests and benchmarks: sentences drawn from the
 * demo's articles (elisions, guillemets, numbers, no-break spaces and all), reproducibly
 * from a seed.
 */

const SENTENCES = DEMO_NEGOTIATIONS.flatMap((n) => n.articles.flatMap((a) => a.paragraphs))
  .flatMap((p) => p.split(/(?<=[.;:])\s+(?=\p{Lu})/u))
  .filter((s) => s.length > 0);

/** A small, fast, seeded generator (mulberry32): the same seed gives the same text. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** An article of at least `words` words, in paragraphs of three to five sentences. */
export function frenchArticle(words: number, seed: number): string[] {
  const random = seededRandom(seed);
  const blocks: string[] = [];
  let count = 0;
  while (count < words) {
    const sentences = Array.from({ length: 3 + Math.floor(random() * 3) }, () => SENTENCES[Math.floor(random() * SENTENCES.length)]);
    const block = sentences.join(' ');
    blocks.push(block);
    count += wordCount(block);
  }
  return blocks;
}

/** The words of the demo's articles, for edits that stay in the same vocabulary. */
export const VOCABULARY = [...new Set(SENTENCES.flatMap((s) => s.split(/[\s.,;:()«»]+/)).filter((w) => w.length > 1))];

/** An amendment-sized change: a few words of one paragraph replaced ("10 %" → "25 %"). */
export function amendWords(blocks: readonly string[], seed: number, changes = 3): string[] {
  const random = seededRandom(seed);
  const out = [...blocks];
  const index = Math.floor(random() * out.length);
  const words = out[index].split(' ');
  for (let i = 0; i < changes; i++) words[Math.floor(random() * words.length)] = VOCABULARY[Math.floor(random() * VOCABULARY.length)];
  out[index] = words.join(' ');
  return out;
}
