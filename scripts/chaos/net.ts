// The test network: one namespace per server on a private bridge, and iptables cuts inside them.
import { sh, shOk } from "./sh.js";

/** Private subnet and names; chosen to be unlikely to clash with anything else on the machine. */
export const subnet_prefix = "10.213.0";
export const host_address = `${subnet_prefix}.1`;
export const bridge_name = "orchc0";
export const netns_prefix = "orchc-";

export interface NetNode {
  name: string;
  netns: string;
  address: string;
}

export function serverAddress(index: number): string {
  return `${subnet_prefix}.${10 + index}`;
}

/** Creates the bridge (host side 10.213.0.1) and lets bridged traffic through the host's FORWARD chain. */
export async function createBridge(): Promise<void> {
  await shOk("ip", ["link", "add", bridge_name, "type", "bridge"]);
  await shOk("ip", ["addr", "add", `${host_address}/24`, "dev", bridge_name]);
  await shOk("ip", ["link", "set", bridge_name, "up"]);
  // Docker sets FORWARD's policy to DROP and br_netfilter sends bridged frames through it.
  await shOk("iptables", forwardRule("-I"));
}

function forwardRule(op: "-I" | "-D"): string[] {
  return [op, "FORWARD", "-i", bridge_name, "-o", bridge_name, "-j", "ACCEPT", "-m", "comment", "--comment", "orch-chaos"];
}

export async function createNode(name: string, index: number): Promise<NetNode> {
  const netns = `${netns_prefix}${name}`;
  const hostSide = `${netns_prefix}${name}h`;
  const address = serverAddress(index);
  await shOk("ip", ["netns", "add", netns]);
  await shOk("ip", ["link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", netns]);
  await shOk("ip", ["link", "set", hostSide, "master", bridge_name]);
  await shOk("ip", ["link", "set", hostSide, "up"]);
  await shOk("ip", ["-n", netns, "addr", "add", `${address}/24`, "dev", "eth0"]);
  await shOk("ip", ["-n", netns, "link", "set", "eth0", "up"]);
  await shOk("ip", ["-n", netns, "link", "set", "lo", "up"]);
  await shOk("ip", ["-n", netns, "route", "add", "default", "via", host_address]);
  return { name, netns, address };
}

/** In `node`'s namespace, drops packets arriving from `from` (one direction of a cut). */
export async function dropFrom(node: NetNode, from: string): Promise<void> {
  await shOk("ip", ["netns", "exec", node.netns, "iptables", "-A", "INPUT", "-s", from, "-j", "DROP"]);
}

/** In `node`'s namespace, drops packets leaving for `to`. */
export async function dropTo(node: NetNode, to: string): Promise<void> {
  await shOk("ip", ["netns", "exec", node.netns, "iptables", "-A", "OUTPUT", "-d", to, "-j", "DROP"]);
}

/** Cuts both directions between a and b. */
export async function cut(a: NetNode, b: NetNode): Promise<void> {
  await dropFrom(a, b.address);
  await dropTo(a, b.address);
  await dropFrom(b, a.address);
  await dropTo(b, a.address);
}

/** Removes every rule the suite added inside one namespace. */
export async function heal(node: NetNode): Promise<void> {
  await shOk("ip", ["netns", "exec", node.netns, "iptables", "-F", "INPUT"]);
  await shOk("ip", ["netns", "exec", node.netns, "iptables", "-F", "OUTPUT"]);
}

/** Removes every namespace, veth and rule with the suite's names; safe to run when none exist. */
export async function teardownNetwork(): Promise<string[]> {
  const problems: string[] = [];
  const list = await sh("ip", ["netns", "list"]);
  for (const line of list.stdout.split("\n")) {
    const ns = line.trim().split(/\s+/)[0] ?? "";
    if (!ns.startsWith(netns_prefix)) continue;
    const r = await sh("ip", ["netns", "delete", ns]);
    if (r.code !== 0) problems.push(`ip netns delete ${ns}: ${r.stderr.trim()}`);
  }
  const links = await sh("ip", ["-o", "link", "show"]);
  for (const line of links.stdout.split("\n")) {
    const m = /^\d+: ([^:@]+)[@:]/.exec(line);
    const dev = m?.[1];
    if (dev === undefined || !dev.startsWith(netns_prefix)) continue;
    await sh("ip", ["link", "delete", dev]);
  }
  if ((await sh("ip", ["link", "show", bridge_name])).code === 0) {
    const r = await sh("ip", ["link", "delete", bridge_name]);
    if (r.code !== 0) problems.push(`ip link delete ${bridge_name}: ${r.stderr.trim()}`);
  }
  for (let i = 0; i < 10; i++) {
    if ((await sh("iptables", forwardRule("-D"))).code !== 0) break;
  }
  return problems;
}

/** Whether this machine can make namespaces (root, ip netns, iptables): the reason if not. */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "not root: network namespaces and iptables need root";
  const probe = `${netns_prefix}probe`;
  await sh("ip", ["netns", "delete", probe]);
  const add = await sh("ip", ["netns", "add", probe]);
  if (add.code !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  const ipt = await sh("ip", ["netns", "exec", probe, "iptables", "-L", "-n"]);
  await sh("ip", ["netns", "delete", probe]);
  if (ipt.code !== 0) return `iptables inside a namespace failed: ${ipt.stderr.trim()}`;
  return undefined;
}
