// UPX-packed executables carry the "UPX!" pack header right after the ELF program headers
// and name their PE sections UPX0/UPX1; both sit in the first few KB
// (https://github.com/upx/upx/blob/devel/src/packhead.cpp).

/** How much of a file's start to look at. */
export const UPX_SCAN_BYTES = 4096;

const MARKERS = [Buffer.from('UPX!'), Buffer.from('UPX0')];

/** Whether the first bytes of a file carry a UPX marker. */
export function isUpxPacked(head: Uint8Array): boolean {
  const buf = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, UPX_SCAN_BYTES));
  return MARKERS.some((marker) => buf.includes(marker));
}
