import {
  ApiException,
  createConfiguration,
  type KubernetesObject,
  KubernetesObjectApi,
  Observable,
  type ObservableMiddleware,
  PatchStrategy,
  type SecurityAuthentication,
  ServerConfiguration,
  type V1APIResource,
} from '@kubernetes/client-node';
import { Agent } from 'undici';
import type { LiveObject as WorkloadLiveObject } from '../../../../libs/workloads/src/index.ts';
import type { ClusterAccess } from '../clusters/cluster-access.ts';

/** The field manager of every server-side apply the hub makes. */
export const FIELD_MANAGER = 'flotilla';

/** Objects per page of a list. */
const LIST_PAGE = 500;

/** The client's discovery (which resource serves a kind, cached per client), which it keeps protected. */
class MemberObjectApi extends KubernetesObjectApi {
  async resourceOf(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    try {
      return await this.resource(apiVersion, kind);
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }
}

/** Keep-alive connections per member at most. */
const POOL_CONNECTIONS = 16;

/** Annotation on namespaces the hub created (they are never labelled managed-by: deleting one would take everything in it). */
export const CREATED_NAMESPACE_ANNOTATION = 'flotilla.dev/created-namespace';

/** What identifies an object on a member. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** An object as read back from a member, with the fields the hub looks at. */
export type LiveObject = KubernetesObject & WorkloadLiveObject;

/**
 * One member's API as the apply, sync and cleanup jobs use it: server-side apply, read, list by
 * label and delete with a UID precondition, for any kind (discovery through
 * @kubernetes/client-node's KubernetesObjectApi, cached per client). Every request is bounded by
 * `timeoutMs`. Errors are the client's (ApiException with the HTTP code, or a network error): see
 * classifyMemberError.
 */
export class MemberClient {
  private readonly api: MemberObjectApi;
  private readonly namespaces = new Set<string>();
  /** One pool of keep-alive TLS connections per member, instead of a handshake per request. */
  private readonly pool: Agent;

  constructor(
    readonly cluster: string,
    access: ClusterAccess,
    timeoutMs: number,
  ) {
    const { credentials } = access;
    this.pool = new Agent({
      connect: {
        ...(access.caPem ? { ca: access.caPem } : {}),
        ...(credentials.type === 'clientCertificate' ? { cert: credentials.certificatePem, key: credentials.keyPem } : {}),
        rejectUnauthorized: true,
      },
      connections: POOL_CONNECTIONS,
      keepAliveTimeout: 30_000,
    });
    const pool = this.pool;
    // Authentication as the member registration says: a bearer token header, or the client
    // certificate of the pool's TLS connections. Every request goes through the pool.
    const auth: SecurityAuthentication = {
      getName: () => 'flotilla member credentials',
      applySecurityAuthentication: (context) => {
        if (credentials.type === 'token') context.setHeaderParam('Authorization', `Bearer ${credentials.token}`);
        context.setDispatcher(pool);
      },
    };
    const timeout: ObservableMiddleware = {
      pre: (context) => {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        return new Observable(Promise.resolve(context));
      },
      post: (context) => new Observable(Promise.resolve(context)),
    };
    this.api = new MemberObjectApi(
      createConfiguration({ baseServer: new ServerConfiguration(access.server, {}), authMethods: { default: auth }, middleware: [timeout] }),
    );
  }

  /** Closes the connection pool (the registration changed, or the hub stops). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Creates the namespace when it is missing (remembered per client, so asked once; `recheck`
   * asks again, for when objects in it went missing). Never labels or changes an existing one.
   */
  async ensureNamespace(namespace: string, recheck = false): Promise<void> {
    if (this.namespaces.has(namespace) && !recheck) return;
    const header = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
    try {
      await this.api.read(header);
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404) throw error;
      try {
        await this.api.create({ ...header, metadata: { name: namespace, annotations: { [CREATED_NAMESPACE_ANNOTATION]: 'true' } } }, undefined, undefined, FIELD_MANAGER);
      } catch (createError) {
        if (!(createError instanceof ApiException) || createError.code !== 409) throw createError;
      }
    }
    this.namespaces.add(namespace);
  }

  /** Server-side apply with Flotilla's field manager, taking over fields another manager changed (force). */
  async apply(object: KubernetesObject): Promise<LiveObject> {
    try {
      // The client fills in defaults on the object it is given: hand it a copy.
      return await this.api.patch(structuredClone(object), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (error) {
      // The namespace may have gone since it was remembered: ask again next time.
      const namespace = object.metadata?.namespace;
      if (error instanceof ApiException && error.code === 404 && namespace !== undefined) this.namespaces.delete(namespace);
      throw error;
    }
  }

  /** The object, or undefined when the member answers 404. */
  async read(ref: ObjectRef): Promise<LiveObject | undefined> {
    try {
      return await this.api.read<LiveObject>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Every object of a kind in a namespace that matches the label selector, all pages. Throws on any failure. */
  async list(apiVersion: string, kind: string, namespace: string, labelSelector: string): Promise<LiveObject[]> {
    return (await this.listSnapshot(apiVersion, kind, { namespace, labelSelector })).items;
  }

  /**
   * Every object of a kind (in `namespace`, or in all namespaces), all pages, with the
   * resourceVersion of the one snapshot the pages come from: what a watch goes on from.
   * `signal` stops between and during pages. Throws on any failure.
   */
  async listSnapshot(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string; signal?: AbortSignal } = {}): Promise<{ items: LiveObject[]; resourceVersion: string }> {
    const out: LiveObject[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      options.signal?.throwIfAborted();
      const page = await this.api.list<LiveObject>(apiVersion, kind, options.namespace || undefined, undefined, undefined, undefined, undefined, options.labelSelector || undefined, LIST_PAGE, token);
      // Items of a list carry no apiVersion and kind of their own: give them the list's.
      for (const item of page.items) out.push({ ...item, apiVersion, kind });
      token = page.metadata?._continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (token);
    return { items: out, resourceVersion };
  }

  /**
   * The URL path of a kind's collection on this member (`/apis/apps/v1/deployments`), found by
   * discovery (cached per client); undefined when the member does not serve the kind.
   */
  async collectionPath(apiVersion: string, kind: string): Promise<string | undefined> {
    const resource = await this.api.resourceOf(apiVersion, kind);
    if (resource === undefined) return undefined;
    return `${apiVersion.includes('/') ? '/apis' : '/api'}/${apiVersion}/${resource.name}`;
  }

  /**
   * Deletes the object only if it is still the one with `uid` (a precondition), in the
   * background. True when deleted, false when it was already gone or replaced by another object.
   */
  async delete(ref: ObjectRef, uid: string): Promise<boolean> {
    try {
      await this.api.delete(
        { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
        { preconditions: { uid }, propagationPolicy: 'Background' },
      );
      return true;
    } catch (error) {
      if (error instanceof ApiException && (error.code === 404 || error.code === 409)) return false;
      throw error;
    }
  }
}
