// Terse builders for hand-written histories in the checker's tests.
import type { KvInput, KvOutput, Operation } from "./history.js";

export class HistoryBuilder {
  private readonly ops: Operation[] = [];

  /** A completed op: called at `call`, answered at `ret`. */
  add(clientId: number, call: number, ret: number, input: KvInput, output: KvOutput): this {
    this.ops.push({ id: this.ops.length, clientId, callTime: call, returnTime: ret, input, output });
    return this;
  }

  /** An op whose answer never arrived. */
  pending(clientId: number, call: number, input: KvInput): this {
    this.ops.push({ id: this.ops.length, clientId, callTime: call, returnTime: null, input, output: null });
    return this;
  }

  put(clientId: number, call: number, ret: number | null, key: string, value: string): this {
    const input: KvInput = { kind: "put", key, value };
    return ret === null ? this.pending(clientId, call, input) : this.add(clientId, call, ret, input, { kind: "put" });
  }

  del(clientId: number, call: number, ret: number | null, key: string): this {
    const input: KvInput = { kind: "del", key };
    return ret === null ? this.pending(clientId, call, input) : this.add(clientId, call, ret, input, { kind: "del" });
  }

  get(clientId: number, call: number, ret: number, key: string, value: string | null): this {
    return this.add(clientId, call, ret, { kind: "get", key }, { kind: "get", value });
  }

  cas(
    clientId: number,
    call: number,
    ret: number | null,
    key: string,
    expected: string | null,
    value: string,
    ok?: boolean,
  ): this {
    const input: KvInput = { kind: "cas", key, expected, value };
    if (ret === null) return this.pending(clientId, call, input);
    if (ok === undefined) throw new Error("fixtures: a completed cas needs its outcome");
    return this.add(clientId, call, ret, input, { kind: "cas", ok });
  }

  build(): Operation[] {
    return [...this.ops];
  }
}
