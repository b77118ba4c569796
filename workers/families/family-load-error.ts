// A family file that cannot be loaded, and zod's issues as one line naming each field: shared by
// ./sources and ./code-family, which ./sources imports lazily (kept apart so they form no cycle).
import type { z } from 'zod';

export class FamilyLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FamilyLoadError';
  }
}

export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(file)'}: ${issue.message}`;
    })
    .join('; ');
}
