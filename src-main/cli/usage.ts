// The `saddle-lab` help text, apart from the commands so that `--help` loads nothing else.
const runsUsage = `  runs --project FILE [--experiment ID]… [--where COND]… [--sort KEY] [--json]
      List the project's runs (those logged with saddle_lab.init and imported ones too): id,
      experiment, name, status, start, origin, parameters. COND: KEY=VALUE, KEY!=VALUE, KEY<VALUE,
      KEY<=VALUE, KEY>VALUE, KEY>=VALUE over parameters, summaries and run fields (status, name,
      family, tags); commas join conditions. --sort KEY, or --sort=-KEY for descending.
  compare --project FILE [--experiment ID]… [--runs ID,ID,…] [--where COND]… [--sort KEY]
          [--columns A,B,…] [--all-params] [--format table|csv|markdown|json] [--out FILE]
      One row per run, its parameters (those that differ between the runs, or --all-params) and
      scalar summaries as columns.
  import PATH --project FILE [--kind auto|mlflow|csv|run-logs] [--experiment-name NAME] [--json]
      Bring in runs made elsewhere: an MLflow mlruns folder, a CSV of (step, metric…) columns, a
      run log or a folder of them (saddle_lab.init's offline copies). The project is created if
      it does not exist. Each run keeps its parameters and its origin.`;

const claimsUsage = `  claims [--paper 000]… [--claim 000-5]… [--quick] [--json] [--project FILE] [--report FILE.md|.tex|.csv] [--pool N]
      Reproduce the papers' claims (examples/claims/): runs each example the selected claims name
      once (--quick: its small variant, where it has one), then prints a line per claim, PASS / FAIL / PAPER-WRONG
      (exact computation contradicts the paper) / NOT-HERE (not reproducible on a desktop) /
      NOT-RUN, with Saddle Lab's number, the paper's and the tolerance; then the counts per paper
      and the wall time. Verdicts are judged over all of the project's stored analyses. --paper
      and --claim select (repeatable or comma-separated; both: either matches). --report writes the
      reproduction report. Exit 1 when a claim fails or a desktop claim is not run.`;

const familyInitUsage = `  family init SCRIPT.py --metric NAME… [--id ID] [--title TEXT] [--python PATH] [--force]
      Write SCRIPT's folder's saddle-family.json from the script's argparse parser: each option a
      parameter (type, default, choices, help), passed back to the script as its flag on each run,
      so the script runs unchanged from a shell and as a family. --metric names what it logs.`;

const clusterUsage = `  submit SPEC.json --project FILE --slurm [--partition NAME] [--time HH:MM:SS] [--cpus-per-task N]
         [--mem SIZE] [--array-max K] [--runs-per-task N] [--sbatch-arg=ARG ...] [--family-path DIR]… [--again] [--json]
      Send the sweep to Slurm as one array job (one task per run, or --runs-per-task); the runs are
      recorded in the project as submitted. --array-max: most tasks running at once. A sweep whose
      points (parameters and seed) already have runs in the project is refused unless --again.
  collect --project FILE [--family-path DIR]… [--json]
      Bring finished Slurm tasks' runs into the project; mark runs Slurm killed; show progress.
      (--family-path as for submit: the experiment's analyses need the family.)
  cancel --project FILE [--job ID]
      scancel the project's live Slurm jobs (or one).
  jobs --project FILE [--json]
      List the project's Slurm jobs and their states.`;

export const usage = `Usage: saddle-lab <command> [options]

Commands:
  run SPEC.json [--project FILE] [--json] [--pool N] [--quick] [--family-path DIR]…
      Run an experiment or sweep from a spec file. Without --project the results go to a
      temporary project that is removed afterwards. --json prints one JSON line per run and
      per analysis result. --quick runs a shipped example's small variant (seconds), which
      checks the same behaviour as the full one.
  validate SPEC.json… [--json] [--quick] [--family-path DIR]…
      Check spec files without running them: each file's run count, or every bad field by
      its path. Exit 0 when all are valid, 2 otherwise.
  families [--json] [--family-path DIR]…
      List the experiment families, where each comes from (built-in, user, path, project) and
      their parameters; families that fail to load are listed with the reason.
  export --project FILE (--experiment ID | --runs ID,ID,…) [--format csv|summaries|spec] [--out FILE] [--max-points N]
      Export runs' series as CSV, their parameters and summaries as CSV (one row per run), or an
      experiment as a spec file.
${runsUsage}
${familyInitUsage}
${claimsUsage}
  serve [--port N] [--project FILE] [--family-path DIR]…
      Serve the workbench and its API on 127.0.0.1; prints the URL with its access token.
  --family-path DIR adds a folder of script and code families (docs/script-families.md) to the
      user's (~/.config/saddle-lab/families) and the project's (<project>.families/).
${clusterUsage}

Options:
  -h, --help     show this help
  -v, --version  show the version`;
