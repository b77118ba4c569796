// Whether pdflatex is here to compile exported TeX. Tests that compile skip without it, unless
// SADDLE_REQUIRE_TEX=1 (CI installs TeX and says so) makes a missing pdflatex a failure.
import { execFileSync } from 'node:child_process';

export function skipWithoutTex(): boolean {
  try {
    execFileSync('pdflatex', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return process.env.SADDLE_REQUIRE_TEX !== '1';
  }
}
