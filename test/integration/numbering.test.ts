import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenumberingPlan, StructureEntry } from '../../shared/structure.ts';
import { readBlocks, readStructure } from '../../shared/structure.ts';
import { collabOf } from '../../server/collab/collab.capability.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, login } from '../helpers/auth.ts';
import { seedDemo, type DemoIds } from '../helpers/seed.ts';

/** Numbering a new article by its place, and renumbering with a preview, a confirmation and an undo (issue 16, item 5). */
describe('article numbering and renumbering', () => {
  let server: TestServer;
  let ids: DemoIds;
  let negotiationId: string;
  let pen: string;
  let delegate: string;

  beforeAll(async () => {
    server = await startTestServer();
    ids = await seedDemo(server);
    negotiationId = ids.negotiations.tempsDeTravail;
    pen = await login(server, 'negociateur@axess.demo');
    delegate = await login(server, 'delegue@cfdt.demo');
  });
  afterAll(async () => {
    await server?.close();
  });

  const outline = () => collabOf(server.app.context).store.withDoc(`agreement:${negotiationId}`, (doc) => readStructure(doc));
  const textOf = (articleId: string) => collabOf(server.app.context).store.withDoc(`article:${articleId}`, (doc) => readBlocks(doc));
  const add = async (body: Record<string, unknown>) => {
    const response = await call(server, `/negotiations/${negotiationId}/articles`, { cookie: pen, body });
    expect(response.status).toBe(201);
    return (await response.json()) as StructureEntry;
  };
  const positionAfter = async (number: string) => (await outline()).findIndex((e) => e.number === number) + 1;
  const post = (path: string, body: unknown, cookie = pen) => call(server, `/negotiations/${negotiationId}/articles/${path}`, { cookie, body });

  it('a new article after the last one takes the next number (14 after 13), whatever « bis » articles come before', async () => {
    const numbers = (await outline()).map((e) => e.number);
    expect(numbers).toContain('8 bis');
    expect(numbers.at(-1)).toBe('13');
    expect((await add({ title: 'Suivi de l’accord' })).number).toBe('14');
  });

  it('inserted between two articles, it is « 4 bis » unless the pen-holder asks for the next number', async () => {
    const between = await add({ title: 'Pause méridienne', position: await positionAfter('4') });
    expect(between.number).toBe('4 bis');
    const again = await add({ title: 'Pause du soir', position: await positionAfter('4 bis'), numbering: 'bis' });
    expect(again.number).toBe('4 ter');
    const asked = await add({ title: 'Astreintes', position: await positionAfter('8 bis'), numbering: 'next' });
    expect(asked.number).toBe('9'); // the old 9 keeps its number until a renumbering
  });

  it('renumbering shows every change first, cross-references included, needs that preview confirmed, and can be undone', async () => {
    const citing = await add({ title: 'Renvois', paragraphs: ['Les pauses de l’article 5 et de l’article 4 bis s’ajoutent.', 'Sans renvoi.'] });
    const before = await outline();
    const textBefore = await textOf(citing.id);

    expect((await post('renumber/preview', {}, delegate)).status).toBe(403);
    const plan = (await (await post('renumber/preview', {})).json()) as RenumberingPlan;
    const change = (from: string) => plan.changes.find((c) => c.from === from)?.to;
    expect(change('4 bis')).toBe('5');
    expect(change('4 ter')).toBe('6');
    expect(change('5')).toBe('7');
    expect(change('8 bis')).toBe('11');
    expect(plan.references).toEqual([
      {
        articleId: citing.id,
        number: change(citing.number),
        before: 'Les pauses de l’article 5 et de l’article 4 bis s’ajoutent.',
        after: 'Les pauses de l’article 7 et de l’article 5 s’ajoutent.',
      },
    ]);
    // Previewing changes nothing.
    expect(await outline()).toEqual(before);

    // No confirmation, or one made on another numbering, is refused and changes nothing.
    expect((await post('renumber', {})).status).toBe(400);
    await add({ title: 'Ajout concurrent' });
    expect((await post('renumber', { confirm: plan.token })).status).toBe(409);
    const plan2 = (await (await post('renumber/preview', {})).json()) as RenumberingPlan;
    const done = await post('renumber', { confirm: plan2.token });
    expect(done.status).toBe(200);
    const result = (await done.json()) as { renumbered: Record<string, string>; previous: Record<string, string>; token: string };
    const after = await outline();
    const articles = after.filter((e) => e.kind === 'article').map((e) => e.number);
    expect(articles).toEqual(articles.map((_, i) => String(i + 1)));
    expect(await textOf(citing.id)).toEqual(['Les pauses de l’article 7 et de l’article 5 s’ajoutent.', 'Sans renvoi.']);
    expect(after.find((e) => e.title === 'Pause méridienne')?.formerNumbers).toEqual(['4 bis']);

    // Undo: the previous numbers, confirmed against the numbering just made.
    const undone = await post('renumber', { numbers: result.previous, confirm: result.token });
    expect(undone.status).toBe(200);
    const restored = await outline();
    for (const entry of restored) {
      const was = before.find((e) => e.id === entry.id);
      if (was) expect({ number: entry.number, formerNumbers: entry.formerNumbers }).toEqual({ number: was.number, formerNumbers: was.formerNumbers });
    }
    expect(await textOf(citing.id)).toEqual(textBefore);
  });
});
