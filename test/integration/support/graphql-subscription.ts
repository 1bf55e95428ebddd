/** A message a subscription received: its data, or the errors it ended with. */
export interface SubscriptionMessage {
  readonly data?: Record<string, unknown>;
  readonly errors?: readonly { readonly message: string; readonly extensions?: Record<string, unknown> }[];
}

/**
 * One GraphQL subscription over a websocket, in the graphql-transport-ws protocol (what
 * mercurius speaks by default), with Node's own WebSocket. Messages are kept in order; a test
 * waits for the first that matches.
 */
export class GraphqlSubscription {
  readonly messages: SubscriptionMessage[] = [];
  private readonly waiting = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (message: MessageEvent) => {
      const frame = JSON.parse(String(message.data)) as { type: string; payload?: SubscriptionMessage | SubscriptionMessage['errors'] };
      if (frame.type === 'next') this.messages.push(frame.payload as SubscriptionMessage);
      if (frame.type === 'error') this.messages.push({ errors: frame.payload as SubscriptionMessage['errors'] });
      for (const wake of this.waiting) wake();
    });
  }

  /**
   * Opens the websocket at `<http url>/graphql` with `headers` on the upgrade (an Authorization
   * header), waits for connection_ack, and subscribes. Rejects when the upgrade is refused.
   */
  static async open(url: string, headers: Record<string, string>, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlSubscription> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, { protocols: ['graphql-transport-ws'], headers });
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })), { once: true });
      socket.addEventListener('message', (message: MessageEvent) => {
        if ((JSON.parse(String(message.data)) as { type: string }).type === 'connection_ack') resolve();
      }, { once: true });
      socket.addEventListener('error', () => reject(new Error('the websocket was refused or failed')), { once: true });
      socket.addEventListener('close', (event: CloseEvent) => reject(new Error(`the websocket closed: ${event.code} ${event.reason}`)), { once: true });
    });
    const subscription = new GraphqlSubscription(socket);
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
    return subscription;
  }

  /** The first message (received or to come) that `accept` takes; throws after `timeoutMs`, listing what came. */
  async next(what: string, accept: (message: SubscriptionMessage) => boolean, timeoutMs: number): Promise<SubscriptionMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(accept);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} not received within ${timeoutMs} ms; received: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiting.add(wake);
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
