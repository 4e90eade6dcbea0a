// MongoDB wire protocol framing: OP_MSG (2013) both ways, OP_QUERY (2004) in and OP_REPLY (1)
// out for the legacy handshake. Parsing throws WireError on anything malformed; the server
// then closes that one connection.
import { decode, encode, type Doc } from '../bson/codec.ts';
import { crc32c } from './crc32c.ts';
import { MAX_MESSAGE_DEPTH, nestingDepth } from '../bson/depth.ts';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;
export const MAX_MESSAGE_BYTES = 48_000_000;
export const HEADER_BYTES = 16;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
const EXHAUST_ALLOWED = 1 << 16;
/** Bits 0–15 are "required": a receiver must reject flags it does not know. */
const KNOWN_REQUIRED = CHECKSUM_PRESENT | MORE_TO_COME;

export class WireError extends Error {}

/** A well-framed message the engine refuses to decode: answered with this error, the connection kept. */
export class RefusedMessage extends Error {
  readonly code: number;
  readonly requestId: number;
  readonly kind: 'msg' | 'query';

  constructor(code: number, message: string, requestId: number, kind: 'msg' | 'query') {
    super(message);
    this.code = code;
    this.requestId = requestId;
    this.kind = kind;
  }
}

/** Thrown by decodeDoc, turned into a RefusedMessage by parseMessage (which knows the request). */
class TooDeep extends Error {}

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

export interface Request {
  kind: 'msg' | 'query';
  requestId: number;
  /** The command document with document sequences folded in as arrays. */
  command: Doc;
  /** OP_MSG moreToCome: the client expects no reply. */
  moreToCome: boolean;
  /** OP_QUERY: the namespace queried (must end in .$cmd). */
  namespace?: string;
}

function decodeDoc(buf: Buffer, offset: number, end: number): { doc: Doc; next: number } {
  if (offset + 5 > end) throw new WireError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireError(`invalid BSON document length ${size}`);
  const bytes = buf.subarray(offset, offset + size);
  // The decoder recurses once per level: a hostile depth is refused from the bytes.
  if (nestingDepth(bytes, MAX_MESSAGE_DEPTH) > MAX_MESSAGE_DEPTH) throw new TooDeep();
  try {
    return { doc: decode(bytes), next: offset + size };
  } catch (err) {
    throw new WireError(`malformed BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireError('unterminated cstring');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

/** Parses one complete message (header included). */
export function parseMessage(msg: Buffer): Request {
  const header = readHeader(msg);
  try {
    if (header.opCode === OP_MSG) return parseOpMsg(msg, header);
    if (header.opCode === OP_QUERY) return parseOpQuery(msg, header);
  } catch (err) {
    if (!(err instanceof TooDeep)) throw err;
    // mongod's answer (Overflow), the connection kept.
    throw new RefusedMessage(15, `BSONObj exceeds maximum nested object depth: ${MAX_MESSAGE_DEPTH}`, header.requestId, header.opCode === OP_MSG ? 'msg' : 'query');
  }
  if (header.opCode === OP_COMPRESSED) throw new WireError('compression is not supported');
  throw new WireError(`unsupported opCode ${header.opCode}`);
}

function parseOpMsg(msg: Buffer, header: Header): Request {
  if (msg.length < HEADER_BYTES + 5) throw new WireError('OP_MSG too short');
  const flags = msg.readUInt32LE(HEADER_BYTES);
  if (flags & 0xffff & ~KNOWN_REQUIRED) throw new WireError(`unknown required OP_MSG flags ${flags}`);
  let end = msg.length;
  if (flags & CHECKSUM_PRESENT) {
    end -= 4;
    const expected = msg.readUInt32LE(end);
    if (crc32c(msg.subarray(0, end)) !== expected) throw new WireError('OP_MSG checksum mismatch');
  }
  let offset = HEADER_BYTES + 4;
  let body: Doc | undefined;
  const sequences: [string, Doc[]][] = [];
  while (offset < end) {
    const kind = msg[offset++];
    if (kind === 0) {
      if (body) throw new WireError('OP_MSG with two body sections');
      const r = decodeDoc(msg, offset, end);
      body = r.doc;
      offset = r.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new WireError('truncated document sequence');
      const size = msg.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new WireError('invalid document sequence length');
      const id = readCString(msg, offset + 4, seqEnd);
      const docs: Doc[] = [];
      let p = id.next;
      while (p < seqEnd) {
        const r = decodeDoc(msg, p, seqEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new WireError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireError('OP_MSG without a body section');
  for (const [id, docs] of sequences) {
    if (id in body) throw new WireError(`document sequence ${id} duplicates a body field`);
    body[id] = docs;
  }
  // exhaustAllowed is accepted and ignored: every reply is a plain reply.
  void EXHAUST_ALLOWED;
  return { kind: 'msg', requestId: header.requestId, command: body, moreToCome: !!(flags & MORE_TO_COME) };
}

function parseOpQuery(msg: Buffer, header: Header): Request {
  let offset = HEADER_BYTES + 4; // flags
  const ns = readCString(msg, offset, msg.length);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  const { doc } = decodeDoc(msg, offset, msg.length);
  // Old drivers wrap the command as { $query: {...}, $readPreference: ... }.
  const command = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Doc) : doc;
  return { kind: 'query', requestId: header.requestId, command, moreToCome: false, namespace: ns.value };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function opMsgReply(responseTo: number, doc: Doc): Buffer {
  const body = encode(doc);
  const prefix = Buffer.alloc(5); // flagBits 0, section kind 0
  return Buffer.concat([header(HEADER_BYTES + 5 + body.length, responseTo, OP_MSG), prefix, body]);
}

export function opReply(responseTo: number, doc: Doc): Buffer {
  const body = encode(doc);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(HEADER_BYTES + 20 + body.length, responseTo, OP_REPLY), fields, body]);
}
