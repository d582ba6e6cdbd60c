// SPDX-License-Identifier: Apache-2.0
/**
 * The reading side of the engine's server-sent event streams (main/api/rpc.ts writes them:
 * `event: <name>` + `data: <json>` blocks ended by a blank line). One reader for every client
 * of the streams that is not a browser (the CLI's `aio vm console`, the functional tests'
 * RPC client); browsers use `EventSource`.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One dispatched message: its `event` name (`message` when unnamed) and its data lines. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/**
 * The messages of an event-stream body, in order, until the stream ends. A block without a
 * `data` line (a keep-alive comment) dispatches nothing, as in `EventSource`. Aborting the
 * request that gave `body` ends the iteration with the abort error; leaving the loop early
 * cancels the stream.
 */
export async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let sep: number;
      while ((sep = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    // A consumer that stops early closes the stream; after an abort or the end this is a no-op.
    await reader.cancel().catch(() => undefined);
  }
}
