import type { Redis } from 'ioredis';
import { ARGS_PER_OP } from './transact-codec.ts';

// Checks every op first and writes only if all pass, so a transaction is all-or-nothing.
// Redis runs a script atomically: no other client's command interleaves. Replies are tables
// rather than Redis errors so that refusals decode into typed errors without string matching.
const TRANSACT = `
local updatedAt = ARGV[1]
local n = tonumber(ARGV[2])
local per = ${ARGS_PER_OP}
-- An optional guard after the ops: KEYS[2n + 1] must hold exactly the last ARGV.
if #KEYS > 2 * n then
  if redis.call('GET', KEYS[2 * n + 1]) ~= ARGV[3 + n * per] then return {'fenced', 0, 0} end
end
local versions = {}
for i = 1, n do
  local a = 2 + (i - 1) * per
  local op = ARGV[a + 1]
  local expected = tonumber(ARGV[a + 2])
  local stored = redis.call('HGET', KEYS[2 * i - 1], 'version')
  local actual = 0
  if stored then actual = tonumber(stored) end
  if op == 'create' then
    if actual ~= 0 then return {'exists', i, actual} end
  elseif actual == 0 then
    return {'missing', i, 0}
  elseif actual ~= expected then
    return {'stale', i, actual}
  end
  versions[i] = actual
end
local reply = {'ok'}
for i = 1, n do
  local a = 2 + (i - 1) * per
  local op = ARGV[a + 1]
  local id = ARGV[a + 3]
  if op == 'delete' then
    redis.call('DEL', KEYS[2 * i - 1])
    redis.call('SREM', KEYS[2 * i], id)
    reply[i + 1] = 0
  else
    local version = versions[i] + 1
    redis.call('HSET', KEYS[2 * i - 1], 'version', version, 'updatedAt', updatedAt, 'data', ARGV[a + 4])
    redis.call('SADD', KEYS[2 * i], id)
    reply[i + 1] = version
  end
end
return reply
`;

// Reads a whole kind in one atomic step, so a list is a consistent snapshot rather than a mix
// of records from before and after a concurrent transaction.
// KEYS[1]: the kind's index set; ARGV[1]: the record key prefix "<prefix>:<kind>:".
const LIST = `
local ids = redis.call('SMEMBERS', KEYS[1])
local reply = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HMGET', ARGV[1] .. id, 'version', 'updatedAt', 'data')
  if fields[1] then
    table.insert(reply, id)
    table.insert(reply, fields[1])
    table.insert(reply, fields[2])
    table.insert(reply, fields[3])
  end
end
return reply
`;

/** The store's scripts, callable on one connection. */
export interface StoreScripts {
  transact(keys: readonly string[], args: readonly string[]): Promise<unknown>;
  list(indexKey: string, recordKeyPrefix: string): Promise<unknown>;
}

interface ScriptCommands {
  flotillaStoreTransact(numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  flotillaStoreList(indexKey: string, recordKeyPrefix: string): Promise<unknown>;
}

/**
 * Registers the scripts on a connection. defineCommand sends EVALSHA and falls back to EVAL
 * once when the server does not know the script (e.g. after a Redis restart).
 */
export function defineStoreScripts(redis: Redis): StoreScripts {
  // Keys are passed per call (numKeys first) because a transaction has a varying number.
  redis.defineCommand('flotillaStoreTransact', { lua: TRANSACT });
  redis.defineCommand('flotillaStoreList', { lua: LIST, numberOfKeys: 1, readOnly: true });
  const commands = redis as unknown as ScriptCommands;
  return {
    transact: (keys, args) => commands.flotillaStoreTransact(keys.length, ...keys, ...args),
    list: (indexKey, recordKeyPrefix) => commands.flotillaStoreList(indexKey, recordKeyPrefix),
  };
}
