/** How the workspace names articles and amendments, in French, wherever it shows them. */

/** How an article is named in a column: « Article 3 – Durée », or its title alone (the preamble). */
export function articleLabel(article: { number: string; title: string }): string {
  return /^\d/.test(article.number) ? `Article ${article.number} – ${article.title}` : article.title;
}

/** How an amendment is named: « Amendement n° 3 (CGT) », or « Amendement » while it has no number. */
export function amendmentLabel(amendment: { number: number | null; org: string } | undefined): string {
  return amendment?.number ? `Amendement n° ${amendment.number} (${amendment.org})` : 'Amendement';
}
