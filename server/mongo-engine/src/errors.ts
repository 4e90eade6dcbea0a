// MongoDB error codes the engine answers with, and the error type that carries them to the
// reply. Names follow mongod's `codeName` so that drivers and tools recognise them.
export const ErrorCode = {
  InternalError: 1,
  Unauthorized: 13,
  ProtocolError: 17,
  AuthenticationFailed: 18,
  MechanismUnavailable: 334,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotCreateIndex: 67,
  DocumentValidationFailure: 121,
  NotImplemented: 238,
  Location40324: 40324,
  DuplicateKey: 11000,
  InvalidIdField: 53,
  UnknownError: 8,
  InvalidLength: 16,
  Overflow: 15,
  QueryFeatureNotAllowed: 224,
  NoMatchingDocument: 47,
  OperationFailed: 96,
  BSONObjectTooLarge: 10334,
  DollarPrefixedFieldName: 52,
  EmptyFieldName: 56,
  NotSingleValueField: 46,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

export function codeName(code: number): string {
  return NAMES[code] ?? 'Location' + code;
}

export class CommandError extends Error {
  readonly code: number;
  /** Extra fields mongod puts beside errmsg (keyPattern/keyValue for duplicates). */
  readonly extra: Record<string, unknown>;

  constructor(
    code: number,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.code = code;
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: codeName(this.code), ...this.extra };
  }
}

/** Wraps whatever an evaluator threw (mingo errors included) as a command error. */
export function asCommandError(err: unknown, fallbackCode: number = ErrorCode.BadValue): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CommandError(fallbackCode, message);
}
