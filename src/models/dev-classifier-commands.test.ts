/** `emotebot train dev-classifier`: its arguments, checked before any data is read. */
import { describe, expect, it } from 'vitest';
import { EmoteBotError } from '../core/errors.ts';
import { DEFAULT_L2, parseDevTrainArgs, runTrainDevClassifier, TRAIN_DEV_HELP } from './dev-classifier-commands.ts';
import { runModelCommand } from './commands.ts';

const io = () => {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('emotebot train dev-classifier: arguments', () => {
  it('takes the defaults of the documented command', () => {
    const a = parseDevTrainArgs(['--data', 'a.ebds', '--data', 'b.ebds', '--out', 'models/x', '--seed', '1', '--exclude-people', 'none']);
    expect(a).toMatchObject({ data: ['a.ebds', 'b.ebds'], out: 'models/x', seed: 1, l2: DEFAULT_L2, mirror: true, excludePeople: null, limit: Infinity });
    expect(parseDevTrainArgs(['--data', 'a', '--l2', '0.1, 0.01', '--mirror', 'off', '--epochs', '3'])).toMatchObject({ l2: [0.1, 0.01], mirror: false, epochs: 3 });
    // Without the option: the judge's faces (the committed lists), whatever scratch holds.
    expect(parseDevTrainArgs(['--data', 'a']).excludePeople).toBeUndefined();
    expect(parseDevTrainArgs(['--data', 'a', '--exclude-people', 'eval/x.txt']).excludePeople).toBe('eval/x.txt');
  });

  it.each([
    [[], /needs --data/],
    [['--data', 'a', 'extra'], /unexpected argument "extra"/],
    [['--data', 'a', '--l2', 'x'], /--l2 must be/],
    [['--data', 'a', '--l2', ','], /at least one/],
    [['--data', 'a', '--mirror', 'yes'], /--mirror must be/],
    [['--data', 'a', '--seed', '1.5'], /--seed must be a whole number/],
    [['--data', 'a', '--epochs', '0'], /--epochs must be between/],
  ])('refuses %j', (args, message) => {
    let caught: unknown;
    try { parseDevTrainArgs(args); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(EmoteBotError);
    expect((caught as EmoteBotError).code).toBe('bad-argument');
    expect((caught as Error).message).toMatch(message);
  });

  it('prints its help, names a missing dataset, and is reachable from emotebot train', async () => {
    const h = io();
    expect(await runTrainDevClassifier(['--help'], h.io)).toBe(0);
    expect(h.out.join('\n')).toBe(TRAIN_DEV_HELP);
    await expect(runTrainDevClassifier(['--data', '/nonexistent/x.ebds', '--exclude-people', 'none', '--quiet'], io().io)).rejects.toThrow(/cannot open \/nonexistent\/x.ebds/);
    const e = io();
    expect(await runModelCommand('eval', ['dev-classifier'], e.io)).toBe(2);
    expect(e.err.join('\n')).toMatch(/--judge dev/);
  });
});
