// A mock engine on the wall clock for `orch agent --driver mock`: tasks "run" in memory, no Docker needed.
import { MockDriver, MockEngine, type MockProgram } from "../driver/mock.js";
import type { StopIntents } from "../driver/stop-intents.js";
import type { Driver, TaskSpec } from "../driver/types.js";

/** How often the virtual clock catches up with the wall clock. */
export const mock_clock_tick_ms = 20;

/**
 * A command `["mock", "<MockProgram as JSON>"]` scripts the task (run_ms, exit_code, output,
 * oom, ignores_sigterm); any other command runs until stopped. Every image exists.
 */
export function mockProgramOf(spec: TaskSpec): MockProgram {
  if (spec.command?.[0] !== "mock") return {};
  try {
    const program = JSON.parse(spec.command[1] ?? "{}") as unknown;
    return typeof program === "object" && program !== null ? (program as MockProgram) : {};
  } catch {
    return { start_error: `mock: command[1] is not a JSON MockProgram: ${spec.command[1] ?? ""}` };
  }
}

export class WallClockMock {
  readonly engine = new MockEngine(mockProgramOf);
  private readonly timer: NodeJS.Timeout;

  constructor() {
    let last_ms = Date.now();
    this.timer = setInterval(() => {
      const now_ms = Date.now();
      this.engine.advance(now_ms - last_ms);
      last_ms = now_ms;
    }, mock_clock_tick_ms).unref();
  }

  driver(node_id: string, stop_intents: StopIntents): Driver {
    const driver = new MockDriver(this.engine, node_id, { stop_intents });
    const images = this.engine.images;
    // The mock has no registry: every image a task names exists.
    const start = driver.start.bind(driver);
    driver.start = (spec: TaskSpec) => {
      images.add(spec.image);
      return start(spec);
    };
    return driver;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
