// The line protocol a script family speaks on stdout (docs/script-families.md): one JSON object
// per line. Parsed by hand rather than by a zod schema: a points line can hold thousands of
// numbers, and the ingest target is a million points per second.

/** A line that breaks the protocol: the run fails with its number and text. */
export class ProtocolError extends Error {
  constructor(lineNumber: number, line: string, problem: string) {
    super(`stdout line ${lineNumber}: ${problem}: ${excerpt(line)}`);
    this.name = 'ProtocolError';
  }
}

/** A line holding NaN or ±Infinity in a metric: the run ends as diverged, naming the line. */
export class NonFiniteError extends Error {
  constructor(lineNumber: number, metric: string, x: number, y: number | null) {
    super(`stdout line ${lineNumber}: ${metric} became ${y === null ? 'NaN or ±Infinity' : y} at x = ${x}`);
    this.name = 'NonFiniteError';
  }
}

export type FinalStatus = { status: 'done' } | { status: 'diverged' | 'failed'; message: string };

export interface ProtocolHandlers {
  points(metric: string, x: ArrayLike<number>, y: ArrayLike<number>): void;
  progress(fraction: number): void;
  summary(values: Record<string, unknown>): void;
  status(final: FinalStatus): void;
}

/** Splits a byte stream into lines and dispatches each; `finish` handles a last line without a newline. */
export class LineReader {
  private rest = '';
  private lineNumber = 0;
  private final = false;

  constructor(
    private readonly handlers: ProtocolHandlers,
    /** Whether a metric name was declared in the manifest (indexed names match their prefix). */
    private readonly declared: (metric: string) => boolean,
  ) {}

  get finished(): boolean {
    return this.final;
  }

  push(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  finish(): void {
    if (this.rest.length > 0) this.line(this.rest);
    this.rest = '';
  }

  private line(raw: string): void {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    if (this.final) throw new ProtocolError(this.lineNumber, line, 'output after the final status line');
    const message = parseLine(line, this.lineNumber);
    const type = message.type;
    if (type === 'points') this.points(message, line);
    else if (type === 'event') this.event(message, line);
    else if (type === 'progress') {
      if (typeof message.fraction !== 'number' || !(message.fraction >= 0 && message.fraction <= 1)) throw new ProtocolError(this.lineNumber, line, '"fraction" must be a number in [0, 1]');
      this.handlers.progress(message.fraction);
    } else if (type === 'summary') {
      if (!isRecord(message.values)) throw new ProtocolError(this.lineNumber, line, '"values" must be an object');
      for (const [key, value] of Object.entries(message.values)) {
        if (!isSummaryValue(value)) throw new ProtocolError(this.lineNumber, line, `summary value "${key}" must be a number, a string, null or a list of numbers and nulls`);
      }
      this.handlers.summary(message.values);
    } else if (type === 'status') {
      this.final = true;
      this.handlers.status(this.finalStatus(message, line));
    } else {
      throw new ProtocolError(this.lineNumber, line, `unknown "type" ${JSON.stringify(type)} (points, event, progress, summary or status)`);
    }
  }

  private points(message: Record<string, unknown>, line: string): void {
    if (!isRecord(message.series)) throw new ProtocolError(this.lineNumber, line, '"series" must be an object of {"x": [...], "y": [...]}');
    for (const [metric, series] of Object.entries(message.series)) {
      this.requireDeclared(metric, line);
      if (!isRecord(series) || !Array.isArray(series.x) || !Array.isArray(series.y)) throw new ProtocolError(this.lineNumber, line, `series "${metric}" needs arrays "x" and "y"`);
      const { x, y } = series as { x: unknown[]; y: unknown[] };
      if (x.length !== y.length) throw new ProtocolError(this.lineNumber, line, `series "${metric}": x has ${x.length} values, y has ${y.length}`);
      for (let i = 0; i < x.length; i++) {
        if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) throw new ProtocolError(this.lineNumber, line, `series "${metric}": x[${i}] is not a finite number`);
        const value = y[i];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          if (value === null || typeof value === 'number') throw new NonFiniteError(this.lineNumber, metric, x[i] as number, value);
          throw new ProtocolError(this.lineNumber, line, `series "${metric}": y[${i}] is not a number`);
        }
      }
      this.handlers.points(metric, x as number[], y as number[]);
    }
  }

  private event(message: Record<string, unknown>, line: string): void {
    const { metric, x, y } = message;
    if (typeof metric !== 'string') throw new ProtocolError(this.lineNumber, line, '"metric" must be a string');
    this.requireDeclared(metric, line);
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ProtocolError(this.lineNumber, line, '"x" must be a finite number');
    const value = y ?? 1;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError(this.lineNumber, line, '"y" must be a finite number (or left out: 1)');
    this.handlers.points(metric, [x], [value]);
  }

  private finalStatus(message: Record<string, unknown>, line: string): FinalStatus {
    if (message.status === 'done') return { status: 'done' };
    if (message.status === 'diverged' || message.status === 'failed') {
      return { status: message.status, message: typeof message.message === 'string' && message.message ? message.message : `the script reported ${message.status}` };
    }
    throw new ProtocolError(this.lineNumber, line, '"status" must be "done", "diverged" or "failed"');
  }

  private requireDeclared(metric: string, line: string): void {
    if (!this.declared(metric)) throw new ProtocolError(this.lineNumber, line, `metric "${metric}" is not declared in the manifest's "metrics"`);
  }
}

/** JSON.parse, except that Python's NaN / Infinity tokens read as null so they can be reported as such. */
function parseLine(line: string, lineNumber: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    const lenient = line.replace(/-?\bInfinity\b|\bNaN\b/g, 'null');
    if (lenient === line) throw new ProtocolError(lineNumber, line, `not JSON (${(error as Error).message})`);
    try {
      parsed = JSON.parse(lenient);
    } catch {
      throw new ProtocolError(lineNumber, line, `not JSON (${(error as Error).message})`);
    }
  }
  if (!isRecord(parsed) || typeof parsed.type !== 'string') throw new ProtocolError(lineNumber, line, 'a line must be a JSON object with a "type"');
  return parsed;
}

/** NaN / Infinity read as null here (see parseLine): a summary may hold them as "no value". */
function isSummaryValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'number') return true;
  return Array.isArray(value) && value.every((item) => item === null || typeof item === 'number');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function excerpt(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
