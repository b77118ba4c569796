// The kinds of error the main process reports: expected (shown to the user as is) and bugs.
// (The third kind of the contract, `cancelled`, is the renderer's own, for requests it aborted:
// a cancelled run is a run status, not an error.) Expected errors carry field issues so a form
// or the CLI can name the field.
import type { z } from 'zod';
import type { ApiErrorShape, FieldIssue } from '../contract';

export class ExpectedError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ExpectedError';
  }
}

export function issuesFromZod(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const at = (path: PropertyKey[]) =>
      [prefix, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
        .filter(Boolean)
        .join('.')
        .replace(/\.\[/g, '[');
    // A stray key is named by its own path, not by its object's.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: `"${key}" is not a field here` }));
    return [{ path: at(issue.path), message: issue.message }];
  });
}

export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
}

export function toApiError(error: unknown): ApiErrorShape {
  if (error instanceof ExpectedError) return { kind: 'expected', message: error.message, issues: error.issues };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'bug', message: `internal error: ${message}`, issues: [] };
}
