// Errors the store throws on purpose. Both are expected errors in the API's sense: the message is
// shown to the user as it is. Anything else thrown by the store is a bug.
import type { FieldIssue } from '../../contract';
import { ExpectedError } from '../errors';

/** The project file cannot be created, opened or written; the message names the file and what is wrong. */
export class ProjectFileError extends ExpectedError {
  override readonly name = 'ProjectFileError';

  constructor(
    readonly filePath: string,
    message: string,
    options: { cause?: unknown; issues?: FieldIssue[] } = {},
  ) {
    super(message, options.issues);
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** An experiment, run or dashboard id that is not in the project (deleted, or from another project). */
export class NotFoundError extends ExpectedError {
  override readonly name = 'NotFoundError';
}

/** A row whose stored JSON this version cannot read: the file was changed outside the app, or is damaged. */
export class DamagedRowError extends ExpectedError {
  override readonly name = 'DamagedRowError';

  constructor(table: string, row: number | string, column: string, problem: string) {
    super(
      `The project's table ${table}, row ${row}: ${column} holds ${problem}. The file was changed outside Saddle Lab or is damaged; ` +
        'what does not include this row reads as usual.',
    );
  }
}
