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

/**
 * A line holding NaN or ±Infinity in a metric value or a summary value: the run ends as diverged
 * (the one rule for non-finite results, docs/architecture.md), naming the line and the field.
 */
export class NonFiniteError extends Error {
  constructor(lineNumber: number, what: string) {
    super(`stdout line ${lineNumber}: ${what}`);
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

/** The longest line read (UTF-16 code units): far past any sane batch of points, short of exhausting memory. */
export const maxLineLength = 16 * 1024 * 1024;

/**
 * Splits a byte stream into lines and dispatches each; `finish` handles a last line without a
 * newline. Linear in the bytes read: a long line is kept as its pieces and joined once.
 */
export class LineReader {
  private pieces: string[] = [];
  private piecesLength = 0;
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
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      this.keep(text.slice(start, newline));
      this.line(this.takeLine());
      start = newline + 1;
    }
    if (start < text.length) this.keep(text.slice(start));
  }

  finish(): void {
    if (this.piecesLength > 0) this.line(this.takeLine());
  }

  private keep(piece: string): void {
    if (this.piecesLength + piece.length > maxLineLength) {
      throw new ProtocolError(this.lineNumber + 1, this.pieces[0] ?? piece, `longer than ${maxLineLength} characters (send points in batches of a few thousand)`);
    }
    this.pieces.push(piece);
    this.piecesLength += piece.length;
  }

  private takeLine(): string {
    const line = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    this.pieces = [];
    this.piecesLength = 0;
    return line;
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
        const items: unknown[] = Array.isArray(value) ? value : [value];
        const bad = items.findIndex((item) => nonFiniteToken(item) !== null);
        if (bad >= 0) throw new NonFiniteError(this.lineNumber, `summary value "${key}${Array.isArray(value) ? `[${bad}]` : ''}" is ${nonFiniteToken(items[bad])}`);
      }
      this.handlers.summary(message.values);
    } else if (type === 'status') {
      this.final = true;
      this.handlers.status(this.finalStatus(message, line));
    } else {
      throw new ProtocolError(this.lineNumber, line, `unknown "type" ${JSON.stringify(type)} (points, event, progress, summary or status)`);
    }
  }

  /**
   * Every series of the line is checked first (a malformed one fails the run before any point is
   * kept); then each series' points before its first non-finite y are kept, and a non-finite y
   * ends the run as diverged, naming the first one.
   */
  private points(message: Record<string, unknown>, line: string): void {
    if (!isRecord(message.series)) throw new ProtocolError(this.lineNumber, line, '"series" must be an object of {"x": [...], "y": [...]}');
    const checked: { metric: string; x: number[]; y: number[]; finite: number }[] = [];
    for (const [metric, series] of Object.entries(message.series)) {
      this.requireDeclared(metric, line);
      if (!isRecord(series) || !Array.isArray(series.x) || !Array.isArray(series.y)) throw new ProtocolError(this.lineNumber, line, `series "${metric}" needs arrays "x" and "y"`);
      const { x, y } = series as { x: unknown[]; y: unknown[] };
      if (x.length !== y.length) throw new ProtocolError(this.lineNumber, line, `series "${metric}": x has ${x.length} values, y has ${y.length}`);
      let finite = -1;
      for (let i = 0; i < x.length; i++) {
        if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) throw new ProtocolError(this.lineNumber, line, `series "${metric}": x[${i}] is not a finite number`);
        const value = y[i];
        if (typeof value === 'number') continue;
        // JavaScript's JSON.stringify writes NaN and ±Infinity as null.
        if (value !== null && nonFiniteToken(value) === null) throw new ProtocolError(this.lineNumber, line, `series "${metric}": y[${i}] is not a number`);
        if (finite < 0) finite = i;
      }
      checked.push({ metric, x: x as number[], y: y as number[], finite: finite < 0 ? x.length : finite });
    }
    for (const { metric, x, y, finite } of checked) {
      if (finite > 0) this.handlers.points(metric, finite === x.length ? x : x.slice(0, finite), finite === y.length ? y : y.slice(0, finite));
    }
    const diverged = checked.find((series) => series.finite < series.x.length);
    if (diverged) throw new NonFiniteError(this.lineNumber, `${diverged.metric} became ${nonFiniteToken(diverged.y[diverged.finite]) ?? 'null (NaN or ±Infinity)'} at x = ${diverged.x[diverged.finite]}`);
  }

  private event(message: Record<string, unknown>, line: string): void {
    const { metric, x, y } = message;
    if (typeof metric !== 'string') throw new ProtocolError(this.lineNumber, line, '"metric" must be a string');
    this.requireDeclared(metric, line);
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ProtocolError(this.lineNumber, line, '"x" must be a finite number');
    const value = y === undefined ? 1 : y;
    if (value === null || nonFiniteToken(value) !== null) throw new NonFiniteError(this.lineNumber, `${metric} became ${nonFiniteToken(value) ?? 'null (NaN or ±Infinity)'} at x = ${x}`);
    if (typeof value !== 'number') throw new ProtocolError(this.lineNumber, line, '"y" must be a finite number (or left out: 1)');
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

/** What Python's json writes for NaN and ±Infinity (outside strings), read as a marker object. */
const nonFiniteTokens = /"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g;
const nonFiniteKey = '$nonFinite';

/** 'NaN', 'Infinity' or '-Infinity' for a value Python wrote as such; null for anything else. */
function nonFiniteToken(value: unknown): string | null {
  if (isRecord(value) && typeof value[nonFiniteKey] === 'string' && Object.keys(value).length === 1) return value[nonFiniteKey];
  return null;
}

/** JSON.parse, except that Python's NaN / Infinity tokens read as markers, so they can be named. */
function parseLine(line: string, lineNumber: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    const lenient = line.replace(nonFiniteTokens, (token) => (token.startsWith('"') ? token : `{"${nonFiniteKey}":"${token}"}`));
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

/** null is "no value"; NaN / Infinity markers (see parseLine) are accepted here and end the run as diverged. */
function isSummaryValue(value: unknown): boolean {
  const scalar = (item: unknown) => item === null || typeof item === 'number' || nonFiniteToken(item) !== null;
  if (typeof value === 'string' || scalar(value)) return true;
  return Array.isArray(value) && value.every(scalar);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function excerpt(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
