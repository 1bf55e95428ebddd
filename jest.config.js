// Jest runs the TypeScript sources as native ES modules (node --experimental-vm-modules),
// transformed by SWC with legacy decorators and their metadata, as NestJS needs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2024',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
export default {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
    },
    {
      ...common,
      displayName: 'console',
      testMatch: ['<rootDir>/test/console/**/*.test.ts'],
      globalSetup: '<rootDir>/test/console/global-setup.ts',
    },
    {
      ...common,
      displayName: 'fleet',
      testMatch: ['<rootDir>/test/fleet/**/*.test.ts'],
      globalSetup: '<rootDir>/test/fleet/global-setup.ts',
      globalTeardown: '<rootDir>/test/fleet/global-teardown.ts',
    },
  ],
};
