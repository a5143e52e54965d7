// The error a broken safety property raises: it stops the run and carries what was seen.

export class SimFailure extends Error {
  constructor(
    readonly property: string,
    detail: string,
  ) {
    super(`${property}: ${detail}`);
    this.name = "SimFailure";
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function describeBytes(data: Uint8Array): string {
  if (data.byteLength === 0) return "(empty)";
  const text = new TextDecoder().decode(data);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
