// MemoryStorage passes the shared Storage contract, plus its bootstrap helper.
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "./storage.js";
import { storageContract } from "./storage_contract.js";

storageContract("MemoryStorage", { create: () => new MemoryStorage() });

describe("MemoryStorage.bootstrap", () => {
  it("holds the initial membership in a snapshot at index 1, term 1", () => {
    const s = MemoryStorage.bootstrap([1, 2, 3], [4]);
    expect(s.firstIndex()).toBe(2);
    expect(s.lastIndex()).toBe(1);
    expect(s.term(1)).toBe(1);
    expect(s.initialState()).toEqual({
      hardState: { term: 1, vote: 0, commit: 1 },
      confState: { voters: [1, 2, 3], learners: [4] },
    });
  });
});
