/**
 * Something with work in flight that the hub lets finish on shutdown, such as a BullMQ worker.
 * Register it with {@link ShutdownCoordinator.registerDrain}.
 */
export interface DrainParticipant {
  /** Shown in shutdown logs. */
  readonly name: string;
  /** Stop taking new work; resolve once the work in flight has finished. */
  drain(): Promise<void>;
  /**
   * The shutdown bound has passed and `drain` has not resolved: ask the work in flight to stop
   * now (e.g. abort signals). Work that still does not stop is abandoned with the process;
   * jobs must therefore be safe to run again.
   */
  abort?(): void | Promise<void>;
}

/** A connection or other resource closed after every participant has drained. */
export interface ReleaseParticipant {
  readonly name: string;
  release(): Promise<void>;
}
