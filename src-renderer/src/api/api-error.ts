// The three error kinds every transport shares: cancelled (ignore), expected (tell the user),
// bug (tell the user it is ours). Whatever a transport rejects with becomes an ApiError here.
import type { ApiErrorShape } from '../../../src-main/contract/api';
import type { FieldIssue } from '../../../src-main/contract/spec';

export type ApiErrorKind = ApiErrorShape['kind'];

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly issues: FieldIssue[];

  constructor(shape: { kind: ApiErrorKind; message: string; issues?: FieldIssue[] }) {
    super(shape.message);
    this.name = 'ApiError';
    this.kind = shape.kind;
    this.issues = shape.issues ?? [];
  }
}

const kinds: readonly string[] = ['cancelled', 'expected', 'bug'];

function isIssue(value: unknown): value is FieldIssue {
  return typeof value === 'object' && value !== null && 'path' in value && 'message' in value
    && typeof value.path === 'string' && typeof value.message === 'string';
}

/** An ApiErrorShape-like object, or null. */
function asShape(value: unknown): ApiError | null {
  if (typeof value !== 'object' || value === null) return null;
  if (!('kind' in value) || !('message' in value)) return null;
  const { kind, message } = value;
  if (typeof kind !== 'string' || !kinds.includes(kind) || typeof message !== 'string') return null;
  const issues = 'issues' in value && Array.isArray(value.issues) ? value.issues.filter(isIssue) : [];
  return new ApiError({ kind: kind as ApiErrorKind, message, issues });
}

/** The first JSON object embedded in a message (Electron's IPC keeps only an Error's message). */
function shapeInMessage(message: string): ApiError | null {
  const start = message.indexOf('{');
  if (start < 0) return null;
  try {
    return asShape(JSON.parse(message.slice(start)));
  } catch {
    return null;
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const shape = asShape(error);
  if (shape) return shape;
  if (error instanceof Error) {
    if (error.name === 'AbortError') return new ApiError({ kind: 'cancelled', message: error.message });
    return shapeInMessage(error.message) ?? new ApiError({ kind: 'bug', message: error.message });
  }
  return new ApiError({ kind: 'bug', message: String(error) });
}
