/** Default cap on one transaction (100 MiB): bigger inputs are `MalformedTxError`, never buffered. */
export const DEFAULT_MAX_TX_BYTES = 100 * 1024 * 1024;

/**
 * Offsets of one scanned transaction inside a buffer. One instance is reused for every tx of a
 * stream so scanning allocates nothing per field.
 */
export class TxLayout {
  /** Offset of the first byte of the tx. */
  start = 0;
  /** Offset one past the last byte. */
  end = 0;
  /** True for BIP-239 Extended Format. */
  extended = false;
  inputCount = 0;
  outputCount = 0;
  /** Offset of the first input (after the input-count varint). */
  firstInput = 0;
  /** Offset of the output-count varint. */
  outputsAt = 0;
  /**
   * EF-only byte ranges as pairs `[from, to)`: the 6-byte marker, then each input's
   * prevSatoshis + prevLockingScript. Dropping them gives the standard form.
   */
  cuts: number[] = [];
  /** Numbers used in `cuts` (2 per range). */
  cutCount = 0;
  /** After an incomplete scan: the offset the scan needed to reach to make progress. */
  need = 0;

  /** Size of the standard serialization. */
  standardSize(): number {
    let size = this.end - this.start;
    for (let i = 0; i < this.cutCount; i += 2) size -= (this.cuts[i + 1] as number) - (this.cuts[i] as number);
    return size;
  }
}
