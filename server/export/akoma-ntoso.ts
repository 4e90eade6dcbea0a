import type { Block, SignedSnapshot, SnapshotArticle, SnapshotParty } from '../../shared/snapshot.ts';
import { fingerprint as fingerprintOf } from './canonical-json.ts';
import { LABELS, NBSP, frenchDate as frenchDateNbsp, statusLabel } from './french.ts';
import { el, xmlDocument, type XmlChild, type XmlElement } from './xml.ts';

/**
 * The Akoma Ntoso 3.0 export (OASIS LegalDocML) of a signed-version snapshot: an `act` whose
 * `meta` identifies the agreement at the three FRBR levels (Work: the agreement signed on its
 * date; Expression: its French text as of the version; Manifestation: this XML file), names
 * the parties and signatories in `references`, and carries in `proprietary` what Akoma Ntoso
 * has no element for: the fingerprint, the weights at signature, the notifications, the
 * oppositions and the validity assessment. The text follows: `preface` (title and parties),
 * `preamble`, `body` (titres as `title`, chapitres as `chapter`, `article`s; the closing
 * clauses in an `hcontainer`), and `conclusions` (place, date, signatures).
 *
 * The text is written as the parties wrote it (no typographic rewriting), and the file is
 * deterministic: every date comes from the snapshot.
 */

export const AKN_NAMESPACE = 'http://docs.oasis-open.org/legaldocml/ns/akn/3.0';
/** Our namespace for the `proprietary` metadata. */
export const EXPORT_NAMESPACE = 'urn:negociation:export:1.0';
const SOURCE = '#espaceNegociation';
/** Elements whose content is text: never indented inside (indentation would be text). */
const INLINE_CONTENT = new Set(['p', 'num', 'heading', 'docTitle', 'signature', 'neg:fingerprint', 'neg:reason', 'neg:statusLabel']);

/** An eId token: letters, digits, `_`, `-`, `.`; "3 bis" → "3bis". */
function token(value: string): string {
  const cleaned = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]/g, '');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** The date as words, with plain spaces: the XML keeps layout choices out of the text. */
const frenchDate = (iso: string) => frenchDateNbsp(iso).replaceAll(NBSP, ' ');

/** References use ids that are safe eIds whatever the organisation ids look like. */
const orgRef = (id: string) => `org_${token(id).replace(/^_/, '')}`;

export function renderAkomaNtoso(snapshot: SignedSnapshot): string {
  const fingerprint = fingerprintOf(snapshot);
  const { text } = snapshot;
  const parties = snapshot.parties;
  const employers = parties.filter((p) => p.college === 'employer');
  const unions = parties.filter((p) => p.college === 'union');
  const signatureOf = new Map(snapshot.signatures.map((s) => [s.org, s]));
  const signatories = [...employers, ...unions].filter((p) => signatureOf.has(p.id));
  const personRef = (org: string) => `person_${token(org).replace(/^_/, '')}`;
  const versionDate = snapshot.version.createdAt.slice(0, 10);

  const work = `/akn/fr/act/accord/${text.date}/${encodeURIComponent(snapshot.negotiation.id)}`;
  const expression = `${work}/fra@${versionDate}`;
  const manifestation = `${expression}/!main.xml`;
  const authors = (signatories.length > 0 ? signatories : employers).map((p) => el('FRBRauthor', { href: `#${orgRef(p.id)}` }));

  const meta = el(
    'meta',
    {},
    el(
      'identification',
      { source: SOURCE },
      el(
        'FRBRWork',
        {},
        el('FRBRthis', { value: `${work}/!main` }),
        el('FRBRuri', { value: work }),
        el('FRBRdate', { date: text.date, name: 'signature' }),
        authors,
        el('FRBRcountry', { value: 'fr' }),
        el('FRBRname', { value: text.title }),
      ),
      el(
        'FRBRExpression',
        {},
        el('FRBRthis', { value: `${expression}/!main` }),
        el('FRBRuri', { value: expression }),
        el('FRBRdate', { date: versionDate, name: 'version' }),
        authors,
        el('FRBRlanguage', { language: 'fra' }),
      ),
      el(
        'FRBRManifestation',
        {},
        el('FRBRthis', { value: manifestation }),
        el('FRBRuri', { value: `${expression}.akn` }),
        el('FRBRdate', { date: versionDate, name: 'export' }),
        el('FRBRauthor', { href: SOURCE }),
        el('FRBRformat', { value: 'application/akn+xml' }),
      ),
    ),
    el(
      'references',
      { source: SOURCE },
      el('TLCOrganization', { eId: SOURCE.slice(1), href: '/akn/ontology/organization/fr/espaceNegociation', showAs: 'Espace de négociation collective' }),
      parties.map((p) => el('TLCOrganization', { eId: orgRef(p.id), href: `/akn/ontology/organization/fr/${token(p.id)}`, showAs: p.fullName, shortForm: p.shortName })),
      snapshot.signatures.map((s) =>
        el('TLCPerson', { eId: personRef(s.org), href: `/akn/ontology/person/fr/${token(s.org)}.signataire`, showAs: s.signatory }),
      ),
      el('TLCRole', { eId: 'employer', href: '/akn/ontology/role/fr/employeur', showAs: 'Organisation professionnelle d’employeurs' }),
      el('TLCRole', { eId: 'union', href: '/akn/ontology/role/fr/syndicat', showAs: 'Organisation syndicale de salariés' }),
      el('TLCRole', { eId: 'signatory', href: '/akn/ontology/role/fr/signataire', showAs: 'Signataire' }),
      el('TLCLocation', { eId: 'place', href: `/akn/ontology/location/fr/${encodeURIComponent(text.place)}`, showAs: text.place }),
    ),
    el('proprietary', { source: SOURCE }, proprietary(snapshot, fingerprint)),
  );

  const partyEl = (p: SnapshotParty) => el('party', { refersTo: `#${orgRef(p.id)}`, as: p.college === 'employer' ? '#employer' : '#union' }, p.fullName);
  const partyLines = (list: SnapshotParty[]) => list.map((p, i) => el('p', {}, partyEl(p), i === list.length - 1 ? '' : ' ;'));
  const preface = el(
    'preface',
    {},
    el('p', { class: 'title' }, el('docTitle', {}, text.title)),
    el(
      'container',
      { name: 'parties' },
      el('p', {}, LABELS.between),
      partyLines(employers),
      el('p', {}, LABELS.onOneHand),
      el('p', {}, LABELS.and),
      partyLines(unions),
      el('p', {}, LABELS.onOtherHand),
    ),
    el('p', {}, text.partiesClause),
  );

  const preamble = text.preamble.length > 0 ? el('preamble', {}, blocks(text.preamble, 'preamble')) : null;

  const body = el(
    'body',
    {},
    text.titres.flatMap((titre, ti) => {
      const titreId = `title_${ti + 1}`;
      const chapters = titre.chapitres.flatMap((chapitre, ci) => {
        const chapterId = `${titre.number || titre.heading ? `${titreId}__` : ''}chp_${ci + 1}`;
        const articles = chapitre.articles.map(article);
        if (!chapitre.number && !chapitre.heading) return articles;
        return [el('chapter', { eId: chapterId }, chapitre.number && el('num', {}, `${LABELS.chapitre} ${chapitre.number}`), chapitre.heading && el('heading', {}, chapitre.heading), articles)];
      });
      if (!titre.number && !titre.heading) return chapters;
      return [el('title', { eId: titreId }, titre.number && el('num', {}, `${LABELS.titre} ${titre.number}`), titre.heading && el('heading', {}, titre.heading), chapters)];
    }),
    text.closingClauses.length > 0 && el('hcontainer', { eId: 'hcontainer_dispositionsFinales', name: 'dispositionsFinales' }, el('heading', {}, LABELS.closing), text.closingClauses.map(article)),
  );

  const conclusions = el(
    'conclusions',
    {},
    el('p', {}, 'Fait à ', el('location', { refersTo: '#place' }, text.place), ', le ', el('date', { date: text.date }, frenchDate(text.date))),
    [...employers, ...unions].map((p) => {
      const s = signatureOf.get(p.id);
      return el(
        'blockContainer',
        { eId: `blockContainer_signature_${token(p.id).replace(/^_/, '')}`, class: s ? 'signature' : 'nonSignatory' },
        s
          ? el(
              'p',
              {},
              el(
                'signature',
                {},
                `${LABELS.for} `,
                el('organization', { refersTo: `#${orgRef(p.id)}` }, p.shortName),
                ' : ',
                el('person', { refersTo: `#${personRef(p.id)}`, as: '#signatory' }, s.signatory),
                `, ${LABELS.signedOn} `,
                el('date', { date: s.signedAt.slice(0, 10) }, frenchDate(s.signedAt)),
              ),
            )
          : el('p', {}, `${LABELS.for} `, el('organization', { refersTo: `#${orgRef(p.id)}` }, p.shortName), ` : ${LABELS.notSignatory.toLocaleLowerCase('fr')}`),
      );
    }),
  );

  const root = el(
    'akomaNtoso',
    { xmlns: AKN_NAMESPACE, 'xmlns:neg': EXPORT_NAMESPACE },
    el('act', { name: 'accordCollectif', contains: 'singleVersion' }, meta, preface, preamble, body, conclusions),
  );
  return xmlDocument(root, INLINE_CONTENT);
}

function article(a: SnapshotArticle): XmlElement {
  const eId = `art_${token(a.number).replace(/^_/, '')}`;
  return el(
    'article',
    { eId },
    el('num', {}, `${LABELS.article} ${a.number}`),
    a.heading && el('heading', {}, a.heading),
    el('content', {}, a.paragraphs.length > 0 ? blocks(a.paragraphs, eId) : el('p', {})),
  );
}

/** Paragraphs as `p`, lists as `blockList`/`item`, tables as `table`/`tr`/`th`|`td`. */
function blocks(list: Block[], owner: string): XmlChild[] {
  return list.map((b, i) => {
    if (typeof b === 'string') return el('p', {}, b);
    if (b.kind === 'list') {
      const id = `${owner}__list_${i + 1}`;
      return el(
        'blockList',
        { eId: id, class: b.ordered ? 'ordered' : 'unordered' },
        b.items.map((item, j) => el('item', { eId: `${id}__item_${j + 1}` }, b.ordered && el('num', {}, `${j + 1}°`), el('p', {}, item))),
      );
    }
    const rows = b.header ? [b.header, ...b.rows] : b.rows;
    return el(
      'table',
      { eId: `${owner}__table_${i + 1}` },
      rows.map((row, r) => el('tr', {}, row.map((cell) => el(b.header && r === 0 ? 'th' : 'td', {}, el('p', {}, cell))))),
    );
  });
}

/** What Akoma Ntoso has no element for, in our namespace. */
function proprietary(snapshot: SignedSnapshot, fingerprint: string): XmlElement {
  const n = (name: string, attrs: XmlElement['attrs'] = {}, ...children: (XmlChild | XmlChild[])[]) => el(`neg:${name}`, attrs, ...children);
  const { assessment } = snapshot;
  return n(
    'export',
    {},
    n('fingerprint', { algorithm: 'sha256', of: 'canonical-json' }, fingerprint),
    n('negotiation', { id: snapshot.negotiation.id, level: snapshot.negotiation.level }, snapshot.negotiation.title),
    n('version', { id: snapshot.version.id, kind: snapshot.version.kind, createdAt: snapshot.version.createdAt }, snapshot.version.name),
    n(
      'parties',
      {},
      snapshot.parties.map((p) =>
        n('party', {
          ref: `#${orgRef(p.id)}`,
          id: p.id,
          college: p.college,
          weight: p.weight,
          representative: p.representative,
          arrete: p.source?.arrete,
          arreteDate: p.source?.date,
        }),
      ),
    ),
    n(
      'signatures',
      {},
      snapshot.signatures.map((s) => n('signature', { party: `#${orgRef(s.org)}`, signatory: s.signatory, signedAt: s.signedAt, versionHash: s.versionHash })),
    ),
    n('nonSignatories', {}, snapshot.nonSignatories.map((org) => n('party', { ref: `#${orgRef(org)}` }))),
    n('notifications', {}, snapshot.notifications.map((x) => n('notification', { party: `#${orgRef(x.org)}`, at: x.at }))),
    n('oppositions', {}, snapshot.oppositions.map((x) => n('opposition', { party: `#${orgRef(x.org)}`, at: x.at, signatory: x.signatory }))),
    n(
      'validity',
      {
        status: assessment.status,
        signatureWeight: assessment.signatureWeight,
        oppositionWeight: assessment.oppositionWeight,
        oppositionDeadline: assessment.oppositionDeadline,
      },
      n('statusLabel', { 'xml:lang': 'fr' }, statusLabel(assessment.status)),
      (assessment.reasons ?? []).map((r) => n('reason', { 'xml:lang': 'fr' }, r)),
    ),
  );
}
