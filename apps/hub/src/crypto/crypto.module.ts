import { Global, Module } from '@nestjs/common';
import type { Config } from '../../../../libs/config/src/index.ts';
import { SecretBox } from '../../../../libs/crypto/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';

/** The key ring from FLOTILLA_ENCRYPTION_KEYS as a SecretBox: the first key seals. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [HUB_CONFIG],
      useFactory: (config: Config): SecretBox => {
        const [active] = config.encryptionKeys;
        if (!active) throw new Error('FLOTILLA_ENCRYPTION_KEYS holds no key');
        return new SecretBox(new Map(config.encryptionKeys.map((k) => [k.id, k.key])), active.id);
      },
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
