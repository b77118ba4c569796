// The folders that live beside a project file and take its name: study.saddle → study.runs/,
// study.artifacts/, study.families/ (python/saddle_lab.py's _project_stem spells the same rule).

/** `<project file without .saddle><suffix>`: the one rule for naming what lives beside a project. */
export function projectSiblingPath(projectPath: string, suffix: '.runs' | '.artifacts' | '.families'): string {
  return projectPath.replace(/\.saddle$/i, '') + suffix;
}
