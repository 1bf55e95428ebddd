export { ValidationError, type InvalidParam } from './validation-error.ts';
