// Makes sure an image is on the node, pulling it within a time bound when it is missing.
import type Dockerode from "dockerode";
import { engineMessage, isNotFound } from "./docker-errors.js";

/** A progress line longer than this is not one the engine writes. */
export const pull_progress_line_bytes_max = 64 * 1024;

export type ImageResult = { ok: true } | { ok: false; cause: string };

/** "repo" pulls every tag of repo; orch always means one image. */
export function withDefaultTag(image: string): string {
  if (image.includes("@")) return image;
  const last = image.slice(image.lastIndexOf("/") + 1);
  return last.includes(":") ? image : `${image}:latest`;
}

export async function ensureImage(docker: Dockerode, image: string, pull_timeout_ms: number): Promise<ImageResult> {
  try {
    await docker.getImage(image).inspect();
    return { ok: true };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const signal = AbortSignal.timeout(pull_timeout_ms);
  try {
    const stream = (await docker.pull(withDefaultTag(image), { abortSignal: signal })) as NodeJS.ReadableStream;
    const failure = await readPullProgress(stream);
    return failure === undefined ? { ok: true } : { ok: false, cause: failure };
  } catch (error) {
    if (signal.aborted) return { ok: false, cause: `the pull did not finish within ${pull_timeout_ms} ms` };
    return { ok: false, cause: engineMessage(error) };
  }
}

/** The engine reports a failed pull inside a 200 response, as a progress line with `error`. */
async function readPullProgress(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  let buffered = "";
  let failure: string | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    buffered += chunk.toString();
    let at: number;
    while ((at = buffered.indexOf("\n")) >= 0) {
      failure ??= progressError(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
    }
    if (buffered.length > pull_progress_line_bytes_max) {
      return `the engine sent a pull progress line over ${pull_progress_line_bytes_max} bytes`;
    }
  }
  return failure ?? progressError(buffered);
}

function progressError(line: string): string | undefined {
  if (line.trim() === "") return undefined;
  try {
    const parsed = JSON.parse(line) as { error?: unknown };
    return typeof parsed.error === "string" ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}
