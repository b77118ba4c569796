// The names a non-built-in family's files go by, apart from the schemas that check what is in them
// (script-family.ts): the main process looks for families at every start, and loads the checks
// and the script runtime only for a family it finds.
export const manifestFileName = 'saddle-family.json';

/** The modules a code family may be. */
export const codeFamilyExtensions = ['.js', '.mjs', '.ts'] as const;

/** Family ids name folders, env vars and project rows: kept plain. */
export const familyIdPattern = /^[a-z][a-z0-9-]{0,63}$/;
export const familyIdRule = 'must be lower-case letters, digits and "-", starting with a letter (at most 64)';
