// JSON Schema (as zod's `toJSONSchema` writes a family's params) → form fields, and the text
// conversions the generated inputs need. Pure: the form components only render these fields.

export type FieldKind = 'integer' | 'number' | 'numberList' | 'enum' | 'boolean' | 'string' | 'json';

export interface NumericBounds {
  integer: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface FormField {
  key: string;
  label: string;
  kind: FieldKind;
  description: string | null;
  unit: string | null;
  required: boolean;
  /** `null` is a valid value (e.g. "automatic"); an empty input means null. */
  nullable: boolean;
  defaultValue: unknown;
  /** Bounds of the number, or of each item of a number list. */
  bounds: NumericBounds | null;
  minItems: number | null;
  maxItems: number | null;
  /** Allowed values of an enum. */
  options: unknown[];
}

export type ParseResult = { ok: true; value: unknown } | { ok: false; message: string };

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Splits `anyOf: [X, {type: 'null'}]` or `type: [X, 'null']` into X and a nullable flag. */
function unwrapNullable(schema: Schema): { schema: Schema; nullable: boolean } {
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) {
    const nonNull = variants.filter((variant) => !(isSchema(variant) && variant.type === 'null'));
    if (nonNull.length === 1 && nonNull.length < variants.length && isSchema(nonNull[0])) {
      return { schema: { ...schema, ...nonNull[0], anyOf: undefined, oneOf: undefined }, nullable: true };
    }
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((type) => type !== 'null');
    return { schema: { ...schema, type: types.length === 1 ? types[0] : types }, nullable: true };
  }
  return { schema, nullable: false };
}

function boundsOf(schema: Schema): NumericBounds {
  return {
    integer: schema.type === 'integer',
    minimum: numberOrUndefined(schema.minimum),
    maximum: numberOrUndefined(schema.maximum),
    exclusiveMinimum: numberOrUndefined(schema.exclusiveMinimum),
    exclusiveMaximum: numberOrUndefined(schema.exclusiveMaximum),
  };
}

function kindOf(schema: Schema): FieldKind {
  if (Array.isArray(schema.enum)) return 'enum';
  switch (schema.type) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'array': {
      const items = isSchema(schema.items) ? schema.items : null;
      return items && (items.type === 'number' || items.type === 'integer') ? 'numberList' : 'json';
    }
    default:
      return 'json';
  }
}

function fieldFromSchema(key: string, rawSchema: Schema, required: boolean): FormField {
  const { schema, nullable } = unwrapNullable(rawSchema);
  const kind = kindOf(schema);
  const items = isSchema(schema.items) ? schema.items : null;
  let bounds: NumericBounds | null = null;
  if (kind === 'integer' || kind === 'number') bounds = boundsOf(schema);
  if (kind === 'numberList' && items) bounds = boundsOf(items);
  return {
    key,
    label: stringOrNull(schema.title) ?? key,
    kind,
    description: stringOrNull(schema.description) ?? stringOrNull(rawSchema.description),
    unit: stringOrNull(schema.unit),
    required,
    nullable,
    defaultValue: 'default' in rawSchema ? rawSchema.default : schema.default,
    bounds,
    minItems: kind === 'numberList' ? (numberOrUndefined(schema.minItems) ?? null) : null,
    maxItems: kind === 'numberList' ? (numberOrUndefined(schema.maxItems) ?? null) : null,
    options: kind === 'enum' && Array.isArray(schema.enum) ? schema.enum : [],
  };
}

/** The fields of an object schema, in the schema's property order. */
export function fieldsFromSchema(schema: Record<string, unknown>): FormField[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties)
    .filter((entry): entry is [string, Schema] => isSchema(entry[1]))
    .map(([key, property]) => {
      // A field with a default is never required of the user, whatever the schema's io mode.
      const mustFill = required.has(key) && !('default' in property);
      return fieldFromSchema(key, property, mustFill);
    });
}

/** Numeric fields can become sweep axes. */
export function isSweepable(field: FormField): boolean {
  return field.kind === 'integer' || field.kind === 'number';
}

/** A human-readable range, e.g. "integer ≥ 1", "> 0 and < 1". */
export function describeBounds(bounds: NumericBounds): string {
  const parts: string[] = [];
  if (bounds.minimum !== undefined && bounds.minimum > Number.MIN_SAFE_INTEGER) parts.push(`≥ ${bounds.minimum}`);
  if (bounds.exclusiveMinimum !== undefined) parts.push(`> ${bounds.exclusiveMinimum}`);
  if (bounds.maximum !== undefined && bounds.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${bounds.maximum}`);
  if (bounds.exclusiveMaximum !== undefined) parts.push(`< ${bounds.exclusiveMaximum}`);
  const range = parts.join(' and ');
  if (bounds.integer) return range ? `integer ${range}` : 'integer';
  return range;
}

/** Why a number breaks the bounds, or null when it fits. */
function checkNumber(value: number, bounds: NumericBounds): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (bounds.integer && !Number.isInteger(value)) return 'must be an integer';
  if (bounds.minimum !== undefined && value < bounds.minimum) return `must be ≥ ${bounds.minimum}`;
  if (bounds.exclusiveMinimum !== undefined && value <= bounds.exclusiveMinimum) return `must be > ${bounds.exclusiveMinimum}`;
  if (bounds.maximum !== undefined && value > bounds.maximum) return `must be ≤ ${bounds.maximum}`;
  if (bounds.exclusiveMaximum !== undefined && value >= bounds.exclusiveMaximum) return `must be < ${bounds.exclusiveMaximum}`;
  return null;
}

/** Why a value does not fit the field, or null. The server validates again; this is for instant feedback. */
export function checkFieldValue(field: FormField, value: unknown): string | null {
  if (value === undefined) return field.required ? 'required' : null;
  if (value === null) return field.nullable ? null : 'required';
  switch (field.kind) {
    case 'integer':
    case 'number':
      if (typeof value !== 'number') return 'must be a number';
      return field.bounds ? checkNumber(value, field.bounds) : null;
    case 'numberList': {
      if (!Array.isArray(value)) return 'must be a list of numbers';
      if (field.minItems !== null && value.length < field.minItems) return `needs at least ${field.minItems} value(s)`;
      if (field.maxItems !== null && value.length > field.maxItems) return `takes at most ${field.maxItems} value(s)`;
      for (const [index, item] of value.entries()) {
        if (typeof item !== 'number') return `value ${index + 1} must be a number`;
        const problem = field.bounds ? checkNumber(item, field.bounds) : null;
        if (problem) return `value ${index + 1} ${problem}`;
      }
      return null;
    }
    case 'enum':
      return field.options.some((option) => option === value) ? null : `must be one of ${field.options.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string':
      return typeof value === 'string' ? null : 'must be text';
    case 'json':
      return null;
  }
}

function parseNumberText(text: string): number | null {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : null;
}

/** Text typed into a field → its value (undefined = leave the parameter out). */
export function parseFieldText(field: FormField, text: string): ParseResult {
  const trimmed = text.trim();
  if (trimmed === '' && field.kind !== 'string') {
    if (field.nullable) return { ok: true, value: null };
    if (!field.required) return { ok: true, value: undefined };
    return { ok: false, message: 'required' };
  }
  let value: unknown;
  switch (field.kind) {
    case 'integer':
    case 'number': {
      value = parseNumberText(trimmed);
      if (value === null) return { ok: false, message: 'must be a number' };
      break;
    }
    case 'numberList': {
      const items = trimmed.split(/[\s,;]+/).filter((item) => item !== '');
      const numbers = items.map(parseNumberText);
      const bad = numbers.indexOf(null);
      if (bad >= 0) return { ok: false, message: `"${items[bad]}" is not a number` };
      value = numbers;
      break;
    }
    case 'json':
      try {
        value = JSON.parse(trimmed);
      } catch {
        return { ok: false, message: 'must be valid JSON' };
      }
      break;
    default:
      value = text;
  }
  const problem = checkFieldValue(field, value);
  return problem ? { ok: false, message: problem } : { ok: true, value };
}

/** A value → the text shown in its input; full precision, so an untouched field round-trips exactly. */
export function formatFieldText(field: FormField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'numberList' && Array.isArray(value)) return value.map(String).join(', ');
  if (field.kind === 'json') return JSON.stringify(value);
  return String(value);
}
