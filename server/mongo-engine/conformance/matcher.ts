// "Evaluating Matches" of the unified test format: expected values (with $$ operators) against
// actual values returned by the driver.
import { EJSON } from 'bson';
import {
  bsonEquals,
  compareNumbers,
  describe,
  isDocument,
  matchesTypeAlias,
  numericValue,
  BSON_TYPE_ALIASES,
} from './bson-values.ts';
import type { Doc } from './types.ts';

/** What the matcher needs from the entity map ($$matchesEntity, $$sessionLsid). */
export interface MatchEntities {
  /** The BSON value stored under a name; throws when absent or not a BSON value. */
  bsonValue(name: string): unknown;
  /** The logical session id ({ id: Binary }) of a session entity; throws when absent. */
  sessionLsid(name: string): unknown;
}

export interface MatchOptions {
  entities?: MatchEntities;
  /**
   * The expected value is an array of root-level documents (results of find, aggregate,
   * listCollections…): each element may carry extra fields in the actual document.
   */
  rootArray?: boolean;
}

export class MatchError extends Error {
  readonly path: string;
  readonly detail: string;

  constructor(
    path: string,
    detail: string,
  ) {
    super(`${path || '(root)'}: ${detail}`);
    this.path = path;
    this.detail = detail;
    this.name = 'MatchError';
  }
}

/** The actual side of a comparison: a key may be absent from its document. */
interface Slot {
  present: boolean;
  value: unknown;
}

const present = (value: unknown): Slot => ({ present: true, value });

/** Whether a value is a special operator: a document whose first and only key starts with "$$". */
export function specialOperator(value: unknown): [string, unknown] | undefined {
  if (!isDocument(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0].startsWith('$$')) return undefined;
  return [keys[0], value[keys[0]]];
}

/** Throws a MatchError unless `actual` matches `expected`; the top-level expected value is the root. */
export function assertMatches(expected: unknown, actual: unknown, options: MatchOptions = {}): void {
  const matcher = new Matcher(options.entities);
  if (options.rootArray && Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new MatchError('', `expected an array, got ${describe(actual)}`);
    matcher.sameLength(expected, actual, '');
    expected.forEach((e, i) => matcher.match(e, present(actual[i]), `[${i}]`, true));
    return;
  }
  matcher.match(expected, present(actual), '', true);
}

/** Boolean form of {@link assertMatches}. */
export function matches(expected: unknown, actual: unknown, options: MatchOptions = {}): boolean {
  try {
    assertMatches(expected, actual, options);
    return true;
  } catch (error) {
    if (error instanceof MatchError) return false;
    throw error;
  }
}

/**
 * Exact comparison used for `outcome` data: no extra fields anywhere, no operators, keys in any
 * order, numbers equal across int/long/double.
 */
export function assertSameDocuments(expected: Doc[], actual: Doc[]): void {
  if (expected.length !== actual.length) {
    throw new MatchError(
      '',
      `expected ${expected.length} document(s), found ${actual.length}: ${describe(actual)}`,
    );
  }
  expected.forEach((doc, i) => {
    if (!bsonEquals(doc, actual[i])) {
      throw new MatchError(`[${i}]`, `expected ${describe(doc)}, found ${describe(actual[i])}`);
    }
  });
}

class Matcher {
  private readonly entities: MatchEntities | undefined;

  constructor(entities: MatchEntities | undefined) {
    this.entities = entities;
  }

  sameLength(expected: unknown[], actual: unknown[], path: string): void {
    if (expected.length !== actual.length) {
      throw new MatchError(
        path,
        `expected an array of ${expected.length} element(s), got ${actual.length}: ${describe(actual)}`,
      );
    }
  }

  match(expected: unknown, slot: Slot, path: string, root: boolean): void {
    const operator = specialOperator(expected);
    if (operator) {
      this.operator(operator[0], operator[1], slot, path, root);
      return;
    }
    if (!slot.present) throw new MatchError(path, `expected ${describe(expected)}, but the key is absent`);
    // The driver keeps some command fields as Maps (sort): they are documents on the wire.
    const actual = slot.value instanceof Map ? Object.fromEntries(slot.value) : slot.value;

    if (isDocument(expected)) {
      if (!isDocument(actual)) throw new MatchError(path, `expected a document, got ${describe(actual)}`);
      for (const [key, value] of Object.entries(expected)) {
        const child = Object.hasOwn(actual, key) ? present(actual[key]) : { present: false, value: undefined };
        this.match(value, child, path ? `${path}.${key}` : key, false);
      }
      if (!root) {
        const extra = Object.keys(actual).filter((key) => !Object.hasOwn(expected, key));
        if (extra.length > 0) {
          throw new MatchError(path, `unexpected field(s) ${extra.join(', ')} in nested document ${describe(actual)}`);
        }
      }
      return;
    }

    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) throw new MatchError(path, `expected an array, got ${describe(actual)}`);
      this.sameLength(expected, actual, path);
      expected.forEach((e, i) => this.match(e, present(actual[i]), `${path}[${i}]`, false));
      return;
    }

    if (!bsonEquals(expected, actual)) {
      throw new MatchError(path, `expected ${describe(expected)}, got ${describe(actual)}`);
    }
  }

  private operator(name: string, operand: unknown, slot: Slot, path: string, root: boolean): void {
    switch (name) {
      case '$$exists': {
        if (typeof operand !== 'boolean') throw new Error(`$$exists needs a boolean, got ${describe(operand)}`);
        if (operand !== slot.present) {
          throw new MatchError(path, operand ? 'expected the key to exist' : `expected no key, got ${describe(slot.value)}`);
        }
        return;
      }
      case '$$unsetOrMatches':
        if (!slot.present) return;
        this.match(operand, slot, path, root);
        return;
      case '$$type': {
        const aliases = Array.isArray(operand) ? operand : [operand];
        for (const alias of aliases) {
          if (typeof alias !== 'string' || (alias !== 'number' && !BSON_TYPE_ALIASES.includes(alias as never))) {
            throw new Error(`$$type: unknown type ${describe(alias)}`);
          }
        }
        if (!slot.present) throw new MatchError(path, `expected a value of type ${aliases.join('|')}, but the key is absent`);
        if (!aliases.some((alias) => matchesTypeAlias(slot.value, alias as string))) {
          throw new MatchError(path, `expected type ${aliases.join('|')}, got ${describe(slot.value)}`);
        }
        return;
      }
      case '$$matchesEntity': {
        if (typeof operand !== 'string') throw new Error('$$matchesEntity needs an entity name');
        this.match(this.requireEntities().bsonValue(operand), slot, path, root);
        return;
      }
      case '$$matchesHexBytes': {
        if (typeof operand !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(operand)) {
          throw new Error(`$$matchesHexBytes: malformed hex string ${describe(operand)}`);
        }
        if (!slot.present) throw new MatchError(path, 'expected bytes, but the key is absent');
        const actual = slot.value;
        const hex =
          actual instanceof Uint8Array
            ? Buffer.from(actual).toString('hex')
            : typeof actual === 'string'
              ? /^([0-9a-fA-F]{2})*$/.test(actual)
                ? actual.toLowerCase()
                : Buffer.from(actual, 'latin1').toString('hex')
              : undefined;
        if (hex !== operand.toLowerCase()) {
          throw new MatchError(path, `expected bytes ${operand}, got ${describe(actual)}`);
        }
        return;
      }
      case '$$sessionLsid': {
        if (typeof operand !== 'string') throw new Error('$$sessionLsid needs a session entity name');
        const lsid = this.requireEntities().sessionLsid(operand);
        if (!slot.present || !bsonEquals(lsid, slot.value)) {
          throw new MatchError(path, `expected the lsid of ${operand}, got ${describe(slot.value)}`);
        }
        return;
      }
      case '$$lte': {
        const limit = numericValue(operand);
        if (limit === undefined) throw new Error(`$$lte needs a number, got ${describe(operand)}`);
        const value = slot.present ? numericValue(slot.value) : undefined;
        if (value === undefined || !(compareNumbers(value, limit) <= 0)) {
          throw new MatchError(path, `expected a number <= ${describe(operand)}, got ${describe(slot.value)}`);
        }
        return;
      }
      case '$$matchAsDocument': {
        if (!slot.present || typeof slot.value !== 'string') {
          throw new MatchError(path, `expected an Extended JSON string, got ${describe(slot.value)}`);
        }
        let parsed: unknown;
        try {
          parsed = EJSON.parse(slot.value, { relaxed: false });
        } catch (error) {
          throw new MatchError(path, `not Extended JSON: ${(error as Error).message}`);
        }
        const inner = specialOperator(operand);
        if (inner && inner[0] === '$$matchAsRoot') this.match(inner[1], present(parsed), path, true);
        else this.match(operand, present(parsed), path, false);
        return;
      }
      case '$$matchAsRoot':
        this.match(operand, slot, path, true);
        return;
      default:
        throw new Error(`unsupported special operator ${name}`);
    }
  }

  private requireEntities(): MatchEntities {
    if (!this.entities) throw new Error('no entity map to resolve an entity operator');
    return this.entities;
  }
}
