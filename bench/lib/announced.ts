/**
 * Reads a child's `stream` until what it printed matches `re`, then keeps draining the rest (an
 * unread pipe would fill and block the child's writes); rejects with what it printed if the
 * stream ends first.
 */
export async function announced(stream: ReadableStream<Uint8Array>, re: RegExp): Promise<RegExpExecArray> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before announcing its port: ${text}`);
    text += decoder.decode(value, { stream: true });
    const m = re.exec(text);
    if (m) {
      reader.releaseLock();
      void stream.pipeTo(new WritableStream()).catch(() => {});
      return m;
    }
  }
}
