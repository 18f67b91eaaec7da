import { type Session, withSignal } from "../session.ts";
import { allNotFound } from "./catchup-walk.ts";
import { type FetchedBlock, fetchBlock } from "./fetch-block.ts";
import { fetchBlocks } from "./fetch-blocks.ts";
import type { ChainHeader } from "./fetch-headers.ts";

/** Blocks per `/blocks` request: the reference's `blockvalidation_fetch_large_batch_size`. */
export const BLOCKS_PER_REQUEST = 100;

/**
 * The blocks of `headers` (oldest first), fetched a chunk of 100 at a time with one `/blocks`
 * request when first asked for, so the next chunk is on its way while the current one validates.
 * A chunk every peer answers 404 for is fetched one `/block/:hash` at a time instead (noted once).
 */
export class ChunkedBlocks {
  readonly #chunks = new Map<number, Promise<FetchedBlock[]>>();
  #noted = false;

  constructor(
    readonly s: Session,
    readonly headers: ChainHeader[],
  ) {}

  get(i: number): Promise<FetchedBlock> {
    const c = Math.floor(i / BLOCKS_PER_REQUEST);
    let chunk = this.#chunks.get(c);
    if (!chunk) {
      chunk = this.#fetch(this.headers.slice(c * BLOCKS_PER_REQUEST, (c + 1) * BLOCKS_PER_REQUEST));
      chunk.catch(() => {}); // awaited by whoever asked for its blocks
      this.#chunks.set(c, chunk);
      // chunks two behind are done with: keep memory to the blocks in flight
      this.#chunks.delete(c - 2);
    }
    return chunk.then((blocks) => blocks[i - c * BLOCKS_PER_REQUEST]!);
  }

  async #fetch(headers: ChainHeader[]): Promise<FetchedBlock[]> {
    const { s } = this;
    const resource = `blocks ${headers[0]!.hex}…${headers.at(-1)!.hex}`;
    try {
      return await s.peers.tryEach(resource, s.signal, (peer, peerSignal) =>
        fetchBlocks(withSignal(s, peerSignal), peer, headers),
      );
    } catch (err) {
      if (!allNotFound(err)) throw err;
    }
    if (!this.#noted) {
      this.#noted = true;
      s.emit({
        type: "catchup-fallback",
        route: "blocks",
        message: "the peers answered 404 to /blocks: fetching /block/:hash one block at a time",
      });
    }
    const out: FetchedBlock[] = [];
    for (const h of headers) {
      out.push(
        await s.peers.tryEach(`block ${h.hex}`, s.signal, (peer, peerSignal) =>
          fetchBlock(withSignal(s, peerSignal), peer, h.hex),
        ),
      );
    }
    return out;
  }
}
