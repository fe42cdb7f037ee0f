import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

// A local OTLP/HTTP trace receiver (the collector a pod would send to), for tests: it accepts
// `POST /v1/traces` in both encodings (http/json and http/protobuf), decodes every span and keeps the raw bytes,
// so tests can check what was exported and that no secret is anywhere in it.

/** A span as exported, IDs in lower-case hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  events: Array<{ name: string; attributes: Record<string, string | number | boolean> }>;
  resource: Record<string, string | number | boolean>;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Content types of the export requests received. */
  readonly contentTypes: string[];
  /** How many spans each export request carried. */
  readonly batches: number[];
  /** Every export body as received, for searching (protobuf bodies as latin1 text: strings stay readable). */
  rawText(): string;
  /** Resolves once the spans received so far satisfy `condition` (checked after every export). */
  until(condition: (spans: readonly ReceivedSpan[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** The part of opentelemetry-proto's trace service schema a receiver needs (field numbers as published). */
const TRACE_PROTO = `
syntax = "proto3";
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5;
  int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15;
}
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;
const ExportRequest = protobuf.parse(TRACE_PROTO).root.lookupType('ExportTraceServiceRequest');

type Json = Record<string, any>;

function attributesOf(list: Json[] | undefined): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = value ?? {};
    result[key] =
      v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.doubleValue);
  }
  return result;
}

/** Protobuf IDs are bytes, OTLP/JSON IDs hex strings. */
const hex = (id: unknown): string =>
  id instanceof Uint8Array ? Buffer.from(id).toString('hex') : typeof id === 'string' ? id.toLowerCase() : '';

/** Both encodings decoded to one shape (protobufjs' object form uses the JSON field names). */
function spansOf(request: Json): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name,
          kind: Number(span.kind ?? 0),
          attributes: attributesOf(span.attributes),
          statusCode: Number(span.status?.code ?? 0),
          events: (span.events ?? []).map((e: Json) => ({
            name: e.name,
            attributes: attributesOf(e.attributes),
          })),
          resource,
        });
      }
    }
  }
  return spans;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const batches: number[] = [];
  const bodies: Buffer[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const type = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.push(type);
      bodies.push(body);
      const decoded = type.startsWith('application/x-protobuf')
        ? ExportRequest.toObject(ExportRequest.decode(body), { longs: String, defaults: false })
        : (JSON.parse(body.toString('utf8')) as Json);
      const received = spansOf(decoded);
      batches.push(received.length);
      spans.push(...received);
      res.writeHead(200, { 'content-type': type }).end(type.startsWith('application/json') ? '{}' : '');
      server.emit('spans');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    batches,
    rawText: () => bodies.map((b) => b.toString('latin1')).join('\n'),
    until: (condition) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (!condition(spans)) return;
          server.off('spans', check);
          resolve();
        };
        server.on('spans', check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
