export type { Config } from './config.ts';
export { configVariables, maskUrlPassword, type ConfigVariable, type ConfigKey, type EncryptionKey, type LogLevel } from './config-variables.ts';
export { formatConfigIssue, type ConfigIssue } from './config-issue.ts';
export { parseConfig, type ParseConfigResult } from './parse-config.ts';
