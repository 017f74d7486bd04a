// spawn/output-capture: keeps the first `limit` bytes of a stream and counts the rest, so a
// command may print any amount without the caller's memory growing past the limit. The stream
// is always drained: a command is never blocked, killed or failed for printing too much.
export class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    // A copy of a slice, so the rest of a large chunk is not kept alive by it.
    this.chunks.push(kept === chunk ? chunk : Buffer.from(kept));
    this.size += kept.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
