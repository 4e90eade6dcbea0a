import { Binary, EJSON, Long, ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import {
  assertMatches,
  assertSameDocuments,
  matches,
  MatchError,
  type MatchEntities,
} from '../../conformance/matcher.ts';

/** Expected values are parsed exactly as the runner parses test files. */
const x = (json: string): unknown => EJSON.parse(json, { relaxed: false });

const entities: MatchEntities = {
  bsonValue(name) {
    if (name === 'oid0') return new ObjectId('000000000000000000000001');
    throw new Error(`no entity ${name}`);
  },
  sessionLsid(name) {
    if (name === 'session0') return { id: new Binary(Buffer.alloc(16, 7), 4) };
    throw new Error(`no session ${name}`);
  },
};

describe('conformance matcher: documents', () => {
  it('allows extra fields in the root document only', () => {
    expect(matches(x('{"x": 1}'), { x: 1, y: 2 })).toBe(true);
    expect(matches(x('{"x": {"y": 1}}'), { x: { y: 1, z: 1 } })).toBe(false);
    expect(matches(x('{"x": 1, "y": 1}'), { x: 1 })).toBe(false);
  });

  it('reads a Map (how the driver keeps a sort) as the document it encodes', () => {
    expect(matches(x('{"sort": {"x": 1}}'), { sort: new Map([['x', 1]]) })).toBe(true);
    expect(matches(x('{"sort": {"x": 1}}'), { sort: new Map([['x', -1]]) })).toBe(false);
  });

  it('ignores key order', () => {
    expect(matches(x('{"x": 1, "y": {"a": 1, "b": 2}}'), { y: { b: 2, a: 1 }, x: 1 })).toBe(true);
  });

  it('treats array elements as nested, unless the result is an iterable of root documents', () => {
    const expected = x('[{"x": 1}, {"x": 2}]');
    const actual = [{ x: 1, y: 1 }, { x: 2, y: 2 }];
    expect(matches(expected, actual)).toBe(false);
    expect(matches(expected, actual, { rootArray: true })).toBe(true);
  });

  it('requires arrays of the same length', () => {
    expect(matches(x('[1, 2, 3]'), [1, 2, 3, 4])).toBe(false);
    expect(matches(x('[1, 2, 3]'), [1, 2, 3])).toBe(true);
  });

  it('reports the path of a mismatch', () => {
    expect(() => assertMatches(x('{"a": {"b": [1, 2]}}'), { a: { b: [1, 3] } })).toThrow(MatchError);
    expect(() => assertMatches(x('{"a": {"b": [1, 2]}}'), { a: { b: [1, 3] } })).toThrow(/a\.b\[1\]/);
  });
});

describe('conformance matcher: numbers and types', () => {
  it('compares int, long and double by value', () => {
    expect(matches(x('{"n": 1}'), { n: 1.0 })).toBe(true);
    expect(matches(x('{"n": {"$numberLong": "1"}}'), { n: 1 })).toBe(true);
    expect(matches(x('{"n": {"$numberDouble": "1.0"}}'), { n: Long.fromNumber(1) })).toBe(true);
    expect(matches(x('{"n": 1}'), { n: 1.5 })).toBe(false);
    expect(matches(x('{"n": {"$numberLong": "9007199254740993"}}'), { n: Long.fromString('9007199254740993') })).toBe(
      true,
    );
    expect(matches(x('{"n": {"$numberLong": "9007199254740993"}}'), { n: Long.fromString('9007199254740992') })).toBe(
      false,
    );
  });

  it('does not confuse numbers with strings, booleans or null', () => {
    expect(matches(x('{"n": 1}'), { n: '1' })).toBe(false);
    expect(matches(x('{"n": 1}'), { n: true })).toBe(false);
    expect(matches(x('{"n": null}'), { n: 0 })).toBe(false);
    expect(matches(x('{"n": null}'), { n: null })).toBe(true);
  });

  it('compares other BSON types by value', () => {
    expect(matches(x('{"_id": {"$oid": "000000000000000000000001"}}'), { _id: new ObjectId('000000000000000000000001') })).toBe(true);
    expect(matches(x('{"_id": {"$oid": "000000000000000000000001"}}'), { _id: new ObjectId('000000000000000000000002') })).toBe(false);
    expect(matches(x('{"d": {"$date": {"$numberLong": "1000"}}}'), { d: new Date(1000) })).toBe(true);
    expect(matches(x('{"d": {"$numberDecimal": "1.5"}}'), { d: 1.5 })).toBe(false);
  });

  it('$$type checks BSON type aliases, one or several', () => {
    expect(matches(x('{"a": {"$$type": "string"}}'), { a: 's' })).toBe(true);
    expect(matches(x('{"a": {"$$type": "string"}}'), { a: 1 })).toBe(false);
    expect(matches(x('{"a": {"$$type": ["int", "long"]}}'), { a: 5 })).toBe(true);
    expect(matches(x('{"a": {"$$type": "int"}}'), { a: 5.5 })).toBe(false);
    expect(matches(x('{"a": {"$$type": "objectId"}}'), { a: new ObjectId() })).toBe(true);
    expect(matches(x('{"a": {"$$type": "array"}}'), { a: [1, 'x'] })).toBe(true);
    expect(matches(x('{"a": {"$$type": "string"}}'), {})).toBe(false);
  });
});

describe('conformance matcher: special operators', () => {
  it('$$exists asserts presence or absence of a key', () => {
    expect(matches(x('{"a": {"$$exists": true}}'), { a: null })).toBe(true);
    expect(matches(x('{"a": {"$$exists": true}}'), {})).toBe(false);
    expect(matches(x('{"a": {"$$exists": false}}'), {})).toBe(true);
    expect(matches(x('{"a": {"$$exists": false}}'), { a: 1 })).toBe(false);
  });

  it('$$unsetOrMatches accepts an absent value or a match', () => {
    const expected = x('{"$$unsetOrMatches": {"insertedId": {"$$unsetOrMatches": 2}}}');
    expect(matches(expected, undefined)).toBe(false); // the root is present (undefined result of a void method is handled by the runner)
    expect(matches(expected, { acknowledged: true })).toBe(true);
    expect(matches(expected, { insertedId: 2, acknowledged: true })).toBe(true);
    expect(matches(expected, { insertedId: 3 })).toBe(false);
    expect(matches(x('{"ids": {"$$unsetOrMatches": {"0": 1}}}'), { ids: { 0: 1, 1: 2 } })).toBe(false);
  });

  it('$$unsetOrMatches keeps the root-ness of the value it wraps', () => {
    expect(matches(x('{"$$unsetOrMatches": {"a": 1}}'), { a: 1, b: 2 })).toBe(true);
    expect(matches(x('{"r": {"$$unsetOrMatches": {"a": 1}}}'), { r: { a: 1, b: 2 } })).toBe(false);
  });

  it('$$lte compares numerically across types', () => {
    expect(matches(x('{"n": {"$$lte": 5}}'), { n: 5.0 })).toBe(true);
    expect(matches(x('{"n": {"$$lte": 1}}'), { n: 0 })).toBe(true);
    expect(matches(x('{"n": {"$$lte": 1}}'), { n: 1.1 })).toBe(false);
    expect(matches(x('{"n": {"$$lte": 1}}'), { n: 'a' })).toBe(false);
  });

  it('$$matchesEntity and $$sessionLsid look values up in the entity map', () => {
    expect(
      matches(x('{"_id": {"$$matchesEntity": "oid0"}}'), { _id: new ObjectId('000000000000000000000001') }, { entities }),
    ).toBe(true);
    expect(matches(x('{"_id": {"$$matchesEntity": "oid0"}}'), { _id: new ObjectId() }, { entities })).toBe(false);
    const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
    expect(matches(x('{"lsid": {"$$sessionLsid": "session0"}}'), { lsid }, { entities })).toBe(true);
    expect(
      matches(x('{"lsid": {"$$sessionLsid": "session0"}}'), { lsid: { id: new Binary(Buffer.alloc(16, 1), 4) } }, { entities }),
    ).toBe(false);
    expect(() => assertMatches(x('{"a": {"$$matchesEntity": "nope"}}'), { a: 1 }, { entities })).toThrow(/no entity/);
  });

  it('$$matchesHexBytes compares bytes', () => {
    expect(matches(x('{"$$matchesHexBytes": "12ab"}'), Buffer.from([0x12, 0xab]))).toBe(true);
    expect(matches(x('{"$$matchesHexBytes": "12AB"}'), '12ab')).toBe(true);
    expect(matches(x('{"$$matchesHexBytes": "12ab"}'), Buffer.from([0x12]))).toBe(false);
    expect(() => matches(x('{"$$matchesHexBytes": "1"}'), '1')).toThrow(/malformed/);
  });

  it('$$matchAsDocument parses Extended JSON; $$matchAsRoot allows extra fields', () => {
    expect(matches(x('{"c": {"$$matchAsDocument": {"a": 1}}}'), { c: '{"a": 1}' })).toBe(true);
    expect(matches(x('{"c": {"$$matchAsDocument": {"a": 1}}}'), { c: '{"a": 1, "b": 2}' })).toBe(false);
    expect(matches(x('{"c": {"$$matchAsDocument": {"$$matchAsRoot": {"a": 1}}}}'), { c: '{"a": 1, "b": 2}' })).toBe(true);
  });

  it('rejects unknown operators loudly', () => {
    expect(() => matches(x('{"a": {"$$nope": 1}}'), { a: 1 })).toThrow(/unsupported special operator/);
  });
});

describe('conformance matcher: outcome data', () => {
  it('requires exactly the same documents, in order, any key order, numbers across types', () => {
    const expected = x('[{"_id": 1, "x": 11}, {"_id": 2, "x": {"a": 1}}]') as Record<string, unknown>[];
    expect(() => assertSameDocuments(expected, [{ _id: 1, x: 11 }, { x: { a: 1 }, _id: 2.0 }])).not.toThrow();
    expect(() => assertSameDocuments(expected, [{ _id: 1, x: 11, y: 1 }, { _id: 2, x: { a: 1 } }])).toThrow(MatchError);
    expect(() => assertSameDocuments(expected, [{ _id: 1, x: 11 }])).toThrow(/expected 2 document/);
    expect(() => assertSameDocuments(expected, [{ _id: 2, x: { a: 1 } }, { _id: 1, x: 11 }])).toThrow(MatchError);
  });
});
