export { SecretBox, SecretOpenError, type SealedSecret } from './secret-box.ts';
