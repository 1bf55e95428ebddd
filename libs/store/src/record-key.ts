/** Names one record: what kind of object it is ("cluster", "workload") and its id. */
export interface RecordKey {
  readonly kind: string;
  readonly id: string;
}

/** "cluster/zone-a-1": how keys appear in messages and logs. */
export function formatRecordKey(key: RecordKey): string {
  return `${key.kind}/${key.id}`;
}
