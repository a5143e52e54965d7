// Whether a path is an executable file (a folder passes the X_OK check, so it is refused apart).
import { accessSync, constants, statSync } from "node:fs";

export function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
