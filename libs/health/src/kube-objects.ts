/**
 * The few fields of Node and Pod objects (as the API server's JSON has them) that capacity is
 * computed from. Structural, so the prober can pass parsed list responses straight in.
 */

/** Resource name to quantity string, e.g. `{ cpu: '100m', memory: '64Mi' }`. */
export type ResourceList = Readonly<Record<string, string>>;

export interface NodeObject {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly unschedulable?: boolean };
  readonly status?: {
    readonly allocatable?: ResourceList;
    readonly conditions?: readonly { readonly type: string; readonly status: string }[];
  };
}

export interface ContainerObject {
  readonly resources?: { readonly requests?: ResourceList };
  /** `Always` on an init container makes it a sidecar that runs beside the app containers. */
  readonly restartPolicy?: string;
}

export interface PodObject {
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly ContainerObject[];
    readonly initContainers?: readonly ContainerObject[];
    /** RuntimeClass overhead, added to the pod's requests by the scheduler. */
    readonly overhead?: ResourceList;
    /** Pod-level resources: when set, they replace the sum over containers. */
    readonly resources?: { readonly requests?: ResourceList };
  };
  readonly status?: { readonly phase?: string };
}
