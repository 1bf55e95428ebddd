/** Reads `CONFIG GET appendonly` (`['appendonly', 'yes']`); `undefined` if the reply is not that. */
export function appendOnlyFromConfigReply(reply: unknown): boolean | undefined {
  if (!Array.isArray(reply) || reply[0] !== 'appendonly') return undefined;
  if (reply[1] === 'yes') return true;
  if (reply[1] === 'no') return false;
  return undefined;
}

/** Reads `aof_enabled:0|1` from `INFO persistence`; `undefined` if it is not there. */
export function appendOnlyFromInfo(info: string): boolean | undefined {
  const match = /^aof_enabled:([01])\r?$/m.exec(info);
  return match ? match[1] === '1' : undefined;
}
