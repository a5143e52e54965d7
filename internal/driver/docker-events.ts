// Reads the engine's event stream for one node's managed containers, as task ids that changed.
import type Dockerode from "dockerode";
import { label_managed, label_node_id, label_task_id } from "./spec.js";

/** An engine event line is a few hundred bytes; far more means the stream is not what we think. */
export const event_line_bytes_max = 64 * 1024;
/** Container actions after which a task's status may differ. */
const status_actions = new Set(["create", "start", "die", "oom", "kill", "destroy", "pause", "unpause"]);

export async function* changedTaskIds(docker: Dockerode, node_id: string, signal: AbortSignal): AsyncGenerator<string> {
  // One second back: the engine's `since` has whole-second resolution and must not miss the caller's next start().
  const since = Math.floor(Date.now() / 1000) - 1;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getEvents({
      since,
      filters: { type: ["container"], label: [`${label_managed}=true`, `${label_node_id}=${node_id}`] },
      abortSignal: signal,
    } as Dockerode.GetEventsOptions);
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
  let buffered = "";
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      buffered += chunk.toString();
      if (buffered.length > event_line_bytes_max) {
        throw new Error(`engine event line over ${event_line_bytes_max} bytes; the events stream is corrupt — watch again`);
      }
      let at: number;
      while ((at = buffered.indexOf("\n")) >= 0) {
        const task_id = taskIdOf(buffered.slice(0, at));
        buffered = buffered.slice(at + 1);
        if (task_id !== undefined) yield task_id;
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    (stream as Partial<{ destroy: () => void }>).destroy?.();
  }
}

function taskIdOf(line: string): string | undefined {
  if (line.trim() === "") return undefined;
  const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
  if (event.Action === undefined || !status_actions.has(event.Action)) return undefined;
  return event.Actor?.Attributes?.[label_task_id];
}
