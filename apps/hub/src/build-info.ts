import { readFileSync } from 'node:fs';

/** What is running: reported by flotilla_build_info and the boot log line. */
export interface BuildInfo {
  readonly version: string;
  readonly node: string;
}

/**
 * Finds the project's package.json by walking up from this file, which works from the sources
 * (apps/hub/src) and from the build (dist/apps/hub/src) alike.
 */
export function readBuildInfo(): BuildInfo {
  let dir = new URL('.', import.meta.url);
  for (let depth = 0; depth < 8; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'flotilla' && typeof pkg.version === 'string') return { version: pkg.version, node: process.version };
    } catch {
      // No package.json at this level: keep walking.
    }
    dir = new URL('..', dir);
  }
  return { version: 'unknown', node: process.version };
}
