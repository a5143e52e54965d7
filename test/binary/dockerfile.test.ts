// The Dockerfile runs dist/orch in an image, built here on a locally imported base.
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo_root, requireBinary } from "../support/binary.js";
import { docker, dockerOk } from "../support/docker.js";
import pkg from "../../package.json" with { type: "json" };

const tag = `${process.pid}-${Date.now()}`;
const baseImage = `orch-test/base:${tag}`;
const image = `orch-test/orch:${tag}`;
const work: string[] = [];

afterAll(async () => {
  await docker(["image", "rm", "-f", image, baseImage]);
  await Promise.all(work.map((d) => rm(d, { recursive: true, force: true })));
});

/** A base holding only the shared libraries `ldd` says the executable needs. */
async function importBase(bin: string): Promise<void> {
  const rootfs = await mkdtemp(path.join(os.tmpdir(), "orch-base-"));
  work.push(rootfs);
  const libs = execFileSync("ldd", [bin], { encoding: "utf8" })
    .split("\n")
    .map((l) => /(\/\S+)\s+\(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  expect(libs.some((l) => l.includes("libc.so"))).toBe(true);
  for (const lib of libs) {
    await mkdir(path.join(rootfs, path.dirname(lib)), { recursive: true });
    await copyFile(lib, path.join(rootfs, lib));
  }
  await mkdir(path.join(rootfs, "tmp"), { mode: 0o1777 });
  await mkdir(path.join(rootfs, "etc"));
  await writeFile(path.join(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/false\n");
  const tar = execFileSync("tar", ["-C", rootfs, "-c", "."], { maxBuffer: 512 * 1024 * 1024 });
  await dockerOk(["import", "-", baseImage], tar);
}

describe("Dockerfile", () => {
  it("builds on a local base and runs orch --version and doctor in the container", async () => {
    const bin = requireBinary();
    await importBase(bin);
    // A build context of just the executable: the repository's node_modules stay out.
    const ctx = await mkdtemp(path.join(os.tmpdir(), "orch-ctx-"));
    work.push(ctx);
    await mkdir(path.join(ctx, "dist"));
    await copyFile(bin, path.join(ctx, "dist/orch"));
    await dockerOk(["build", "-q", "--build-arg", `BASE=${baseImage}`, "-t", image, "-f", path.join(repo_root, "Dockerfile"), ctx]);

    const version = await docker(["run", "--rm", "--network", "none", image, "--version"]);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });

    // Inside the image LevelDB opens (embedded addon); no engine socket is mounted,
    // so the doctor must fail on Docker alone and say so.
    const doctor = await docker(["run", "--rm", "--network", "none", image, "doctor", "--json"]);
    const report = JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean }[] };
    expect(report.checks.find((c) => c.name === "data_dir")?.ok).toBe(true);
    expect(report.checks.find((c) => c.name === "docker")?.ok).toBe(false);
    expect(doctor.code).toBe(1);
  });
});
