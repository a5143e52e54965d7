// The orch version, taken from package.json at build time so the binary and the sources agree.
import pkg from "../package.json" with { type: "json" };

export const version: string = pkg.version;
