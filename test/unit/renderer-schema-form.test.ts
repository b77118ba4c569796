import { describe, expect, it } from 'vitest';
import {
  checkFieldValue,
  describeBounds,
  fieldsFromSchema,
  formatFieldText,
  isSweepable,
  parseFieldText,
  type FormField,
} from '../../src-renderer/src/logic/schema-form';

// The shape zod 4's `z.toJSONSchema` writes for a params object like mode-flow's.
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    depth: { default: 2, description: 'Depth N of the network', type: 'integer', minimum: 1, maximum: 9007199254740991 },
    targets: { default: [1, 2], description: 'Target singular values', minItems: 1, type: 'array', items: { type: 'number', exclusiveMinimum: 0 } },
    initScale: { default: 0.01, unit: '1', type: 'number', exclusiveMinimum: 0 },
    initialValues: { type: 'array', items: { type: 'number' } },
    horizonMode: { default: 'auto', type: 'string', enum: ['auto', 'fixed'] },
    horizonTime: { default: null, anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }] },
    verbose: { default: false, type: 'boolean' },
    label: { type: 'string' },
    tolerance: { default: 1e-9, type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    solver: { type: 'object', properties: { rtol: { type: 'number' } } },
  },
  required: ['depth', 'targets', 'initScale', 'horizonMode', 'horizonTime', 'verbose', 'tolerance', 'label'],
  additionalProperties: false,
};

const fields = fieldsFromSchema(schema);
function field(key: string): FormField {
  const found = fields.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
}

describe('JSON Schema → form fields', () => {
  it('keeps property order and maps each type to an input kind', () => {
    expect(fields.map((item) => [item.key, item.kind])).toEqual([
      ['depth', 'integer'],
      ['targets', 'numberList'],
      ['initScale', 'number'],
      ['initialValues', 'numberList'],
      ['horizonMode', 'enum'],
      ['horizonTime', 'number'],
      ['verbose', 'boolean'],
      ['label', 'string'],
      ['tolerance', 'number'],
      ['solver', 'json'],
    ]);
  });

  it('carries bounds, descriptions, units, defaults and options', () => {
    expect(field('depth').bounds).toMatchObject({ integer: true, minimum: 1 });
    expect(field('depth').description).toBe('Depth N of the network');
    expect(field('depth').defaultValue).toBe(2);
    expect(field('targets').bounds).toMatchObject({ integer: false, exclusiveMinimum: 0 });
    expect(field('targets').minItems).toBe(1);
    expect(field('initScale').unit).toBe('1');
    expect(field('horizonMode').options).toEqual(['auto', 'fixed']);
  });

  it('treats anyOf with null as a nullable field', () => {
    expect(field('horizonTime').nullable).toBe(true);
    expect(field('horizonTime').bounds).toMatchObject({ exclusiveMinimum: 0 });
    expect(field('depth').nullable).toBe(false);
  });

  it('requires only fields without a default that the schema requires', () => {
    expect(fields.filter((item) => item.required).map((item) => item.key)).toEqual(['label']);
  });

  it('offers sweeps for scalar numbers only', () => {
    expect(fields.filter(isSweepable).map((item) => item.key)).toEqual(['depth', 'initScale', 'horizonTime', 'tolerance']);
  });

  it('describes bounds without the safe-integer sentinels', () => {
    expect(describeBounds(field('depth').bounds!)).toBe('integer ≥ 1');
    expect(describeBounds(field('tolerance').bounds!)).toBe('> 0 and < 1');
  });
});

describe('field text ↔ value', () => {
  it('parses integers and numbers with their bounds', () => {
    expect(parseFieldText(field('depth'), ' 3 ')).toEqual({ ok: true, value: 3 });
    expect(parseFieldText(field('depth'), '2.5')).toEqual({ ok: false, message: 'must be an integer' });
    expect(parseFieldText(field('depth'), '0')).toEqual({ ok: false, message: 'must be ≥ 1' });
    expect(parseFieldText(field('initScale'), '1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(parseFieldText(field('initScale'), '0')).toEqual({ ok: false, message: 'must be > 0' });
    expect(parseFieldText(field('tolerance'), '1')).toEqual({ ok: false, message: 'must be < 1' });
    expect(parseFieldText(field('initScale'), 'abc')).toEqual({ ok: false, message: 'must be a number' });
  });

  it('parses comma-separated number lists and checks each item', () => {
    expect(parseFieldText(field('targets'), '1, 2.5 4')).toEqual({ ok: true, value: [1, 2.5, 4] });
    expect(parseFieldText(field('targets'), '1, -2')).toEqual({ ok: false, message: 'value 2 must be > 0' });
    expect(parseFieldText(field('targets'), '1, x')).toEqual({ ok: false, message: '"x" is not a number' });
  });

  it('maps an empty input to null, to leaving the parameter out, or to "required"', () => {
    expect(parseFieldText(field('horizonTime'), '')).toEqual({ ok: true, value: null });
    expect(parseFieldText(field('initialValues'), '')).toEqual({ ok: true, value: undefined });
    expect(parseFieldText(field('label'), '')).toEqual({ ok: true, value: '' });
    const required: FormField = { ...field('depth'), required: true };
    expect(parseFieldText(required, '')).toEqual({ ok: false, message: 'required' });
  });

  it('parses JSON for fields without a dedicated input', () => {
    expect(parseFieldText(field('solver'), '{"rtol": 1e-6}')).toEqual({ ok: true, value: { rtol: 1e-6 } });
    expect(parseFieldText(field('solver'), '{').ok).toBe(false);
  });

  it('formats values at full precision so untouched fields round-trip', () => {
    expect(formatFieldText(field('initScale'), 0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatFieldText(field('targets'), [1, 0.5])).toBe('1, 0.5');
    expect(formatFieldText(field('horizonTime'), null)).toBe('');
    const parsed = parseFieldText(field('targets'), formatFieldText(field('targets'), [1e-7, 3]));
    expect(parsed).toEqual({ ok: true, value: [1e-7, 3] });
  });

  it('checks values that did not come from typing (defaults, examples)', () => {
    expect(checkFieldValue(field('horizonMode'), 'fixed')).toBeNull();
    expect(checkFieldValue(field('horizonMode'), 'never')).toBe('must be one of auto, fixed');
    expect(checkFieldValue(field('verbose'), 'yes')).toBe('must be true or false');
    expect(checkFieldValue(field('targets'), [])).toBe('needs at least 1 value(s)');
  });
});
