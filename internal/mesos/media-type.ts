// Content-Type and Accept as Mesos's libprocess reads them (Request::acceptsMediaType).

export const application_json = "application/json";
export const application_protobuf = "application/x-protobuf";

/** A header as Node's IncomingMessage gives it: repeated headers may come as an array. */
export type HeaderValue = string | readonly string[] | undefined;

/** "Application/JSON; charset=utf-8" → "application/json". */
export function mediaTypeOf(content_type: string): string {
  return (content_type.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Whether `accept` admits `media_type`: no header admits everything; "type/subtype", then
 * "type/*", then "*\/*" decide, first match wins, and q=0 refuses. Repeated headers and
 * comma lists are one list.
 */
export function acceptsMediaType(accept: HeaderValue, media_type: string): boolean {
  if (accept === undefined) return true;
  const ranges = (typeof accept === "string" ? [accept] : accept)
    .flatMap((header) => header.split(","))
    .map((range) => range.replace(/[ \t\n]/g, "").split(";"))
    .filter((parts) => (parts[0] ?? "") !== "");
  const [type] = media_type.split("/");
  for (const candidate of [media_type, `${type}/*`, "*/*"]) {
    for (const [range, ...params] of ranges) {
      if (range?.toLowerCase() !== candidate) continue;
      const q = params.filter((p) => p.toLowerCase().startsWith("q=")).map((p) => p.slice(2));
      if (q.length !== 1) return true; // no q, or a malformed one: accepted, as libprocess does
      const weight = Number(q[0]);
      return Number.isFinite(weight) && weight > 0;
    }
  }
  return false;
}

/** The first value of a header that may repeat. */
export function firstHeader(value: HeaderValue): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}
