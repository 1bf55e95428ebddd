import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../../../libs/crypto/src/index.ts';
import type { SealedSecret } from '../../../../libs/crypto/src/index.ts';
import type { SecretValues, WorkloadRecord } from '../../../../libs/workloads/src/index.ts';

const context = (uid: string): string => `workload-secrets:${uid}`;

/**
 * Seals the values of a workload's Secret manifests at rest (AES-256-GCM, the hub's key ring,
 * bound to the workload's uid) and opens them for the apply workers only.
 */
@Injectable()
export class WorkloadSecrets {
  constructor(private readonly box: SecretBox) {}

  /** Undefined when there is nothing to seal. */
  seal(uid: string, values: SecretValues): SealedSecret | undefined {
    return Object.keys(values).length === 0 ? undefined : this.box.seal(JSON.stringify(values), context(uid));
  }

  /** True when the values were sealed with a key other than the active one (key rotation). */
  needsReseal(record: WorkloadRecord): boolean {
    return record.sealedSecrets !== undefined && this.box.needsReseal(record.sealedSecrets);
  }

  /** The values, or none when the workload has no Secrets. Throws SecretOpenError when the key left the ring. */
  open(record: WorkloadRecord): SecretValues {
    return record.sealedSecrets ? (JSON.parse(this.box.open(record.sealedSecrets, context(record.uid))) as SecretValues) : {};
  }
}
