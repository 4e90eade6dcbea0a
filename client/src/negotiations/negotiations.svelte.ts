import { rolesAllow, type Action } from '../../../shared/access.ts';
import type { ArticleSummary, NegotiationDetail, NegotiationSummary, OrgCollege, Party } from '../../../shared/identity.ts';
import { api } from '../lib/api.ts';
import { describeError } from '../lib/errors.ts';

/** Something fetched: loading, then data or an error message. */
export class Loadable<T> {
  data = $state<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  status = $state(0);

  private readonly fetcher: () => Promise<T>;

  constructor(fetcher: () => Promise<T>) {
    this.fetcher = fetcher;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.data = await this.fetcher();
    } catch (err) {
      this.error = describeError(err);
      this.status = (err as { status?: number }).status ?? 0;
    } finally {
      this.loading = false;
    }
  }
}

export function myNegotiations(): Loadable<NegotiationSummary[]> {
  return new Loadable(() => api<NegotiationSummary[]>('GET', '/negotiations'));
}

export interface OutlineGroup {
  titre: string | null;
  chapitres: { chapitre: string | null; articles: ArticleSummary[] }[];
}

/** Articles grouped by titre, then chapitre, keeping their order. */
export function outline(articles: ArticleSummary[]): OutlineGroup[] {
  const groups: OutlineGroup[] = [];
  for (const article of articles) {
    let group = groups.at(-1);
    if (!group || group.titre !== article.titre) groups.push((group = { titre: article.titre, chapitres: [] }));
    let chapter = group.chapitres.at(-1);
    if (!chapter || chapter.chapitre !== article.chapitre) group.chapitres.push((chapter = { chapitre: article.chapitre, articles: [] }));
    chapter.articles.push(article);
  }
  return groups;
}

/** A negotiation's home: its parties by college, its outline, my mandate. */
export class NegotiationHome extends Loadable<NegotiationDetail> {
  readonly id: string;

  constructor(id: string) {
    super(() => api<NegotiationDetail>('GET', `/negotiations/${encodeURIComponent(id)}`));
    this.id = id;
  }

  colleges = $derived.by(() => {
    const parties = this.data?.organisations ?? [];
    const byCollege = (college: OrgCollege): Party[] => parties.filter((p) => p.college === college);
    return [
      { college: 'employer' as const, parties: byCollege('employer') },
      { college: 'union' as const, parties: byCollege('union') },
      { college: 'neutral' as const, parties: byCollege('neutral') },
    ].filter((c) => c.parties.length > 0);
  });

  myOrganisation = $derived(this.data?.organisations.find((o) => o.id === this.data?.myOrganisation) ?? null);
  outline = $derived(outline(this.data?.articles ?? []));

  can(action: Action): boolean {
    return !!this.data && rolesAllow(this.data.myRoles, action);
  }
}
