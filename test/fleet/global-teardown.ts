export default async function globalTeardown(): Promise<void> {
  await globalThis.__flotillaSharedFleet?.stop();
  globalThis.__flotillaSharedFleet = undefined;
}
