import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { parseAllDocuments } from 'yaml';
import { ValidationError } from '../../../../libs/errors/src/index.ts';

/** Media types read as YAML request bodies. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

function refuse(reason: string): ValidationError {
  return new ValidationError([{ name: 'body', reason }], `invalid request body: ${reason}`);
}

/** Line and column of an offset, for errors that must not quote the text. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * A YAML body to plain data: one document as itself, several (`---`) as an array of documents,
 * which the workload API reads as a workload plus its manifests. Empty documents are dropped.
 * Errors give a code and a position, never the offending line (it may hold a secret).
 */
export function parseYamlBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(documents)) throw refuse('is an empty YAML stream');
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) throw refuse(`is not valid YAML (${error.code} at ${position(text, error.pos[0])})`);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 50 }) as unknown;
    } catch {
      throw refuse('is not valid YAML (too many aliases)');
    }
    if (value !== null && value !== undefined) values.push(value);
  }
  if (values.length === 0) throw refuse('holds no YAML document');
  return values.length === 1 ? values[0] : values;
}

/**
 * Request body parsers. JSON goes through Fastify's own parser (prototype poisoning refused),
 * but its errors are replaced: V8's JSON.parse messages quote the text around the error, which
 * could be a token. YAML bodies (application/yaml) are accepted wherever JSON is.
 * Call before app.init().
 */
export function installBodyParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const json = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: fastify.initialConfig.bodyLimit }, (request: FastifyRequest, body: Buffer, done) => {
    void json(request, body.toString('utf8'), (error: Error | null, parsed?: unknown) => {
      if (!error) return done(null, parsed);
      const at = /position (\d+)/.exec(error.message)?.[1];
      done(refuse(`is not valid JSON${at === undefined ? '' : ` (at ${position(body.toString('utf8'), Number(at))})`}`), undefined);
    });
  });
  app.useBodyParser(YAML_TYPES, { bodyLimit: fastify.initialConfig.bodyLimit }, (_request: FastifyRequest, body: Buffer) =>
    // A promise: Nest completes a parser of fewer than three parameters with what it resolves to.
    Promise.resolve().then(() => parseYamlBody(body)),
  );
}
