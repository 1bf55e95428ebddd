import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../../../libs/paging/src/index.ts';
import type { JsonSchema } from '../../../../libs/validation/src/index.ts';
import type { API_SCHEMAS } from './api-schemas.ts';

// Decorators that describe the hub's conventions in the OpenAPI document once: problem answers,
// JSON-or-YAML bodies and answers, lists with limit and continue, versions in ETag and If-Match.

/** A schema of the document's components, by name. */
export const schemaRef = (name: keyof typeof API_SCHEMAS): SchemaObject => ({ $ref: `#/components/schemas/${name}` }) as SchemaObject;

const asSchema = (schema: JsonSchema): SchemaObject => schema as unknown as SchemaObject;

/** The answers the hub gives as problem details, and when. */
const PROBLEMS = {
  400: 'Invalid input: `invalidParams` names every refused field (body fields by path, `query.<name>`, `If-Match`).',
  401: 'No identity, or a token the hub refuses (`WWW-Authenticate: Bearer`).',
  403: "The caller's role is below the route's, or it has none.",
  404: 'No such object (or one of another tenant).',
  409: 'The object changed since the version named by If-Match (or metadata.version), or it exists already, or it is in use.',
  502: 'A member cluster could not be reached or changed completely (the problem names it and what failed).',
  503: 'The OpenID Provider cannot be reached to check the token, or the hub is not ready (`Retry-After`).',
} as const;

export type ProblemStatus = keyof typeof PROBLEMS;

/** Problem answers (`application/problem+json`) this operation can give. */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: PROBLEMS[status], content: { 'application/problem+json': { schema: schemaRef(status === 400 ? 'ValidationProblem' : 'Problem') } } }),
    ),
  );
}

const ETAG = { ETag: { description: 'The resource version, quoted: send it back in If-Match.', schema: { type: 'string' } } } as const;

/** A JSON answer (YAML when Accept asks for it first). `etag`: the answer carries the version as ETag. */
export function ApiAnswer(status: number, schema: SchemaObject | JsonSchema, description: string, options: { etag?: boolean } = {}): MethodDecorator {
  const content = { schema: asSchema(schema as JsonSchema) };
  return ApiResponse({ status, description, content: { 'application/json': content, 'application/yaml': content }, ...(options.etag ? { headers: ETAG } : {}) });
}

/** A request body in JSON or YAML. */
export function ApiJsonBody(schema: keyof typeof API_SCHEMAS | JsonSchema, description: string): MethodDecorator {
  return applyDecorators(ApiConsumes('application/json', 'application/yaml'), ApiBody({ schema: typeof schema === 'string' ? schemaRef(schema) : asSchema(schema), description, required: true }));
}

/** `If-Match` on a change: the write happens only at that version, else 409. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) the change is based on, e.g. "7"; absent or `*`: any version.', schema: { type: 'string' } }),
    ApiProblems(409),
  );
}

/** Where the created object lives, on a 201. */
export function ApiCreated(schema: keyof typeof API_SCHEMAS, description: string): MethodDecorator {
  const content = { schema: schemaRef(schema) };
  return ApiResponse({
    status: 201,
    description,
    content: { 'application/json': content, 'application/yaml': content },
    headers: { ...ETAG, Location: { description: 'The path of the new object.', schema: { type: 'string' } } },
  });
}

/** A query filter of a list (or an option of an operation). */
export interface QueryFilter {
  readonly name: string;
  readonly description: string;
  readonly schema?: JsonSchema;
}

export const LABEL_SELECTOR: QueryFilter = { name: 'labelSelector', description: 'Kubernetes label selector: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated for "and".' };

/** Optional query parameters. */
export function ApiQueries(...filters: QueryFilter[]): MethodDecorator {
  return applyDecorators(...filters.map((filter) => ApiQuery({ name: filter.name, required: false, description: filter.description, schema: asSchema(filter.schema ?? { type: 'string' }) })));
}

/**
 * A list: one page of `item` with `metadata.continue` while there is more, the page size and
 * token as query parameters, its filters, and 400 for a bad limit, token or filter.
 */
export function ApiList(item: keyof typeof API_SCHEMAS, description: string, options: { defaultLimit?: number; filters?: QueryFilter[] } = {}): MethodDecorator {
  const page: JsonSchema = { type: 'object', required: ['items', 'metadata'], properties: { items: { type: 'array', items: schemaRef(item) as JsonSchema }, metadata: schemaRef('ListMetadata') as JsonSchema }, additionalProperties: false };
  return applyDecorators(
    ApiQueries(
      { name: 'limit', description: `Page size, 1 to ${MAX_LIMIT}.`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: options.defaultLimit ?? DEFAULT_LIMIT } },
      { name: 'continue', description: 'The `metadata.continue` of the previous page; give the same filters again.' },
      ...(options.filters ?? []),
    ),
    ApiAnswer(200, page, description),
    ApiProblems(400),
  );
}
