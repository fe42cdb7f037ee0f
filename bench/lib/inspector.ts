// A minimal Chrome DevTools Protocol client for a server started with --inspect: the leak check forces a full
// garbage collection before it reads memory, so the figures compare live data, not the collector's timing.
export interface InspectorSession {
  /** A full, synchronous garbage collection in the server (HeapProfiler.collectGarbage). */
  collectGarbage(): Promise<void>;
  /** `process.memoryUsage()` of the server. */
  memoryUsage(): Promise<{ rss: number; heapUsed: number; heapTotal: number; external: number }>;
  close(): void;
}

/** Connects to the inspector listening on 127.0.0.1:`port`. */
export async function connectInspector(port: number, timeoutMs = 10_000): Promise<InspectorSession> {
  const deadline = Date.now() + timeoutMs;
  let target: string | undefined;
  while (target === undefined) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
        webSocketDebuggerUrl?: string;
      }[];
      target = list[0]?.webSocketDebuggerUrl;
    } catch {
      if (Date.now() > deadline) throw new Error(`no inspector on port ${port}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  const socket = new WebSocket(target);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('inspector connection failed')), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event: { data: unknown }) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result);
  });
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async collectGarbage() {
      await call('HeapProfiler.collectGarbage');
    },
    async memoryUsage() {
      const result = (await call('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      })) as { result: { value: string } };
      return JSON.parse(result.result.value) as {
        rss: number;
        heapUsed: number;
        heapTotal: number;
        external: number;
      };
    },
    close() {
      socket.close();
    },
  };
}
