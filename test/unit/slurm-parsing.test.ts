// What Saddle Lab reads from Slurm's own output, on lines Slurm 23 printed on this machine.
import { describe, expect, it } from 'vitest';
import { describeReason, expandTaskList, isEnded, parseFields, parseSacct } from '../../src-main/core/slurm/slurm-commands';
import { summarizeStates } from '../../src-main/core/slurm/collect';
import { splitIntoTasks } from '../../src-main/core/slurm/job-folder';
import { slurmOptions } from '../../src-main/contract';

const scontrolLine =
  'JobId=1 ArrayJobId=1 ArrayTaskId=2 JobName=t.sh UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) ' +
  'JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:00 TimeLimit=UNLIMITED ' +
  'SubmitTime=2026-12-03T09:44:24 EndTime=2026-12-03T09:44:24 Partition=debug AllocNode:Sid=localhost:6717 NodeList=vm CPUs/Task=1 ' +
  'TRES=cpu=1,node=1,billing=1 Command=/tmp/slurmtry/t.sh WorkDir=/tmp/slurmtry StdOut=/tmp/slurmtry/o-1_2.log Power= ';

describe('reading Slurm', () => {
  it('parses a `scontrol show job -o` line into its fields', () => {
    const fields = parseFields(scontrolLine);
    expect(fields.get('ArrayTaskId')).toBe('2');
    expect(fields.get('JobState')).toBe('FAILED');
    expect(fields.get('Reason')).toBe('NonZeroExitCode');
    expect(fields.get('ExitCode')).toBe('3:0');
    expect(fields.get('EndTime')).toBe('2026-12-03T09:44:24');
    expect(fields.get('AllocNode:Sid')).toBe('localhost:6717');
    expect(fields.get('CPUs/Task')).toBe('1');
    expect(fields.get('TRES')).toBe('cpu=1,node=1,billing=1');
    expect(fields.get('Power')).toBe('');
  });

  it('reads the state and reason of each ended array task from sacct, leaving pending ranges to squeue', () => {
    const states = parseSacct(
      ['81234_0|COMPLETED|None|0:0|2026-12-03T11:02:17', '81234_3|CANCELLED by 0|None|0:15|2026-12-03T11:01:00', '81234_7|TIMEOUT|TimeLimit|0:0|2026-12-03T11:02:17', '81234_[8-15]|PENDING|Priority|0:0|Unknown', ''].join('\n'),
    );
    expect([...states.keys()]).toEqual([0, 3, 7]);
    expect(states.get(0)).toEqual({ state: 'COMPLETED', reason: 'ended 2026-12-03T11:02:17' });
    expect(states.get(3)).toEqual({ state: 'CANCELLED', reason: 'by 0, ExitCode=0:15, ended 2026-12-03T11:01:00' });
    expect(states.get(7)).toEqual({ state: 'TIMEOUT', reason: 'Reason=TimeLimit, ended 2026-12-03T11:02:17' });
  });

  it('expands array task lists, leaving out the %K throttle', () => {
    expect(expandTaskList('3')).toEqual([3]);
    expect(expandTaskList('0-5%2')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(expandTaskList('1,4-6')).toEqual([1, 4, 5, 6]);
    expect(expandTaskList('N/A')).toEqual([]);
  });

  it('keeps only the telling parts of a reason', () => {
    expect(describeReason({ reason: 'NonZeroExitCode', exitCode: '3:0', end: '2026-12-03T09:44:24' })).toBe('Reason=NonZeroExitCode, ExitCode=3:0, ended 2026-12-03T09:44:24');
    expect(describeReason({ by: 'by 1000', reason: 'None', exitCode: '0:15' })).toBe('by 1000, ExitCode=0:15');
    expect(describeReason({ reason: 'None', exitCode: '0:0', end: 'Unknown' })).toBeNull();
  });

  it('tells ended states from live ones and sums a job up', () => {
    for (const s of ['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL']) expect(isEnded(s), s).toBe(true);
    for (const s of ['PENDING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED']) expect(isEnded(s), s).toBe(false);
    expect(summarizeStates(['COMPLETED', 'PENDING', 'RUNNING'])).toBe('RUNNING');
    expect(summarizeStates(['PENDING', 'PENDING'])).toBe('PENDING');
    expect(summarizeStates(['TIMEOUT', 'COMPLETED', 'CANCELLED', 'COMPLETED'])).toBe('COMPLETED+CANCELLED+TIMEOUT');
    expect(summarizeStates(['COMPLETED', 'COMPLETED'])).toBe('COMPLETED');
  });
});

describe('planning a submission', () => {
  it('splits runs into array tasks in sweep order', () => {
    const runs = [0, 1, 2, 3, 4].map((seed) => ({ params: {}, seed }));
    expect(splitIntoTasks(runs, 1).map((t) => t.map((r) => r.seed))).toEqual([[0], [1], [2], [3], [4]]);
    expect(splitIntoTasks(runs, 2).map((t) => t.map((r) => r.seed))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('accepts Slurm time limits and names the bad option', () => {
    for (const time of ['90', '30:00', '01:30:00', '2-00', '2-12:00', '2-12:00:00']) expect(slurmOptions.safeParse({ time }).success, time).toBe(true);
    for (const time of ['1:2:3:4', '01:60:00', 'an hour', '-1']) {
      const parsed = slurmOptions.safeParse({ time });
      expect(parsed.success, time).toBe(false);
      expect(parsed.error?.issues[0].path).toEqual(['time']);
    }
    expect(slurmOptions.parse({})).toEqual({ cpusPerTask: 1, runsPerTask: 1, sbatchArgs: [] });
    expect(slurmOptions.safeParse({ sbatchArgs: ['--account=abc', 'x'] }).error?.issues[0].path).toEqual(['sbatchArgs', 1]);
    expect(slurmOptions.safeParse({ mem: '4G' }).success).toBe(true);
    expect(slurmOptions.safeParse({ mem: '4 GB' }).success).toBe(false);
  });
});
