import { describe, expect, it } from '@jest/globals';
import { appendOnlyFromConfigReply, appendOnlyFromInfo } from './append-only-status.ts';

describe('appendOnlyFromConfigReply', () => {
  it.each<[unknown, boolean | undefined]>([
    [['appendonly', 'yes'], true],
    [['appendonly', 'no'], false],
    [[], undefined],
    [['appendfsync', 'everysec'], undefined],
    ['OK', undefined],
  ])('reads %j as %j', (reply, expected) => {
    expect(appendOnlyFromConfigReply(reply)).toBe(expected);
  });
});

describe('appendOnlyFromInfo', () => {
  const info = (aof: string) => `# Persistence\r\nloading:0\r\n${aof}\r\naof_rewrite_in_progress:0\r\n`;

  it.each<[string, boolean | undefined]>([
    [info('aof_enabled:1'), true],
    [info('aof_enabled:0'), false],
    [info('rdb_changes_since_last_save:0'), undefined],
    ['', undefined],
  ])('reads %j as %j', (text, expected) => {
    expect(appendOnlyFromInfo(text)).toBe(expected);
  });
});
