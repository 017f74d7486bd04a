// apply-patch/chunk-shape: the order of a parsed chunk's context, removed and added lines.
//
// UpdateChunk keeps only its old and new line lists (the reference's data, and the public
// type); the line-ending preserving mode also needs to know which new lines are context lines
// of which old lines, so that those keep their own terminator. The parser records that order
// here, beside the plain-data chunk, without changing its shape. A chunk made elsewhere has no
// recorded shape and is treated as "remove all old lines, add all new lines".

import type { UpdateChunk } from './parse-patch';

/** One character per chunk line: ' ' context, '-' removed, '+' added. */
const shapes = new WeakMap<UpdateChunk, string>();

export function recordChunkShape(chunk: UpdateChunk, shape: string): void {
  shapes.set(chunk, shape);
}

export function chunkShape(chunk: UpdateChunk): string {
  return shapes.get(chunk) ?? '-'.repeat(chunk.oldLines.length) + '+'.repeat(chunk.newLines.length);
}
