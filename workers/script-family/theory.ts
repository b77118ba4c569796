// Theory overlays of a script family, from the manifest's expressions (expr-eval-fork: arithmetic,
// exp/log/sqrt/…, lists and map(); no access to JavaScript), evaluated for each run's parameters
// in the worker and stored with the run like a built-in family's theory.
import { Parser } from 'expr-eval-fork';
import type { TheorySeries } from '../family';
import type { TheoryExpressionSpec } from '../../src-main/contract/script-family';

const parser = new Parser();

/** Compiles every overlay once; a syntax error names the overlay's field. */
export function compileTheory(specs: readonly TheoryExpressionSpec[]): (params: Record<string, unknown>) => TheorySeries[] {
  const compiled = specs.map((spec, i) => ({
    spec,
    y: compile(spec.expression, `theory[${i}].expression`),
    from: spec.x ? compileBound(spec.x.from, `theory[${i}].x.from`) : null,
    to: spec.x ? compileBound(spec.x.to, `theory[${i}].x.to`) : null,
  }));
  return (params) =>
    compiled.map(({ spec, y, from, to }, i) => {
      const base = { id: spec.id, label: spec.label, kind: spec.kind, ...(spec.index === undefined ? {} : { index: spec.index }) };
      if (spec.kind === 'line' && spec.x && from && to) {
        const xs = grid(number(from(params), `theory[${i}].x.from`), number(to(params), `theory[${i}].x.to`), spec.x.points, spec.x.log);
        // Points where the closed form is not finite (a log of a negative, a pole) are left out.
        const points = xs.map((x) => [x, y({ ...params, x })] as const).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
        return { ...base, x: points.map(([x]) => x), y: points.map(([, v]) => v as number) };
      }
      const values = [y(params)].flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return spec.kind === 'vline' ? { ...base, x: values, y: [] } : { ...base, x: [], y: values };
    });
}

type Evaluate = (scope: Record<string, unknown>) => unknown;

function compile(source: string, field: string): Evaluate {
  try {
    const expression = parser.parse(source);
    return (scope) => {
      try {
        return expression.evaluate(scope as Parameters<typeof expression.evaluate>[0]);
      } catch (error) {
        throw new Error(`${field}: ${(error as Error).message}`);
      }
    };
  } catch (error) {
    throw new Error(`${field}: ${(error as Error).message}`);
  }
}

function compileBound(bound: number | string, field: string): Evaluate {
  return typeof bound === 'number' ? () => bound : compile(bound, field);
}

function number(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${field}: gives ${String(value)}, not a finite number`);
  return value;
}

function grid(from: number, to: number, points: number, log: boolean): number[] {
  if (log && !(from > 0 && to > 0)) throw new Error(`a log x grid needs from and to > 0 (got ${from} … ${to})`);
  return Array.from({ length: points }, (_, k) => {
    const f = k / (points - 1);
    return log ? Math.exp(Math.log(from) + f * (Math.log(to) - Math.log(from))) : from + f * (to - from);
  });
}
