// The version gate's two halves over the replicated member table: which command types every
// member knows (so a proposer never writes one some member cannot apply), and the message a
// server gives when it meets a type newer than its own command set.
import { command_introduced_in, command_set_version_baseline, commandTypeName, type CommandType } from "./commands.js";
import type { Member } from "./members.js";

/** A member's known command-set version: what it announced, else the baseline. */
export function memberVersion(m: Member): number {
  return m.command_set_version ?? command_set_version_baseline;
}

/** The lowest command-set version among the members, and one member at it (undefined with no members). */
export function membersFloor(members: readonly Member[]): { version: number; member: Member | undefined } {
  let member: Member | undefined;
  for (const m of members) if (member === undefined || memberVersion(m) < memberVersion(member)) member = m;
  return { version: member === undefined ? Infinity : memberVersion(member), member };
}

/**
 * Why a command of this type must not be proposed now, or undefined when it may be: the type
 * is newer than this server's own command set, or than some member's (a member that has not
 * announced counts as the baseline: `announced` false says so, and that it may pass soon).
 * Retry once the named server runs a build that knows it.
 */
export function proposalRefusal(
  type: CommandType,
  own_version: number,
  members: readonly Member[],
): { message: string; announced: boolean; member?: string; member_version?: number; needed: number } | undefined {
  const needed = command_introduced_in[type];
  const name = commandTypeName(type);
  if (needed > own_version) {
    return { message: `this server's build knows command-set version ${own_version}, but ${name} needs ${needed}: upgrade this server, then retry`, announced: true, needed };
  }
  const floor = membersFloor(members);
  if (floor.member === undefined || floor.version >= needed) return undefined;
  const m = floor.member;
  if (m.command_set_version === undefined) {
    return {
      message: `server ${m.name} has not announced its command-set version yet (it just started, or runs a build from before versions were announced), and ${name} needs ${needed}: retry in a moment; if this lasts, upgrade ${m.name}`,
      announced: false,
      member: m.name,
      needed,
    };
  }
  return {
    message: `server ${m.name} knows command-set version ${floor.version}, but ${name} needs ${needed}: upgrade ${m.name} and every server below ${needed}, then retry`,
    announced: true,
    member: m.name,
    member_version: floor.version,
    needed,
  };
}

/**
 * A committed entry holds a command type this server does not know, or a snapshot holds state
 * only a newer command set reads (type undefined): it stops rather than skip it and drift from the others.
 */
export class CommandSetError extends Error {
  constructor(
    readonly index: number,
    readonly type: number | undefined,
    readonly writer_version: number | undefined,
    readonly own_version: number,
  ) {
    super(
      type === undefined
        ? `the snapshot at index ${index} holds state of command-set version ${writer_version ?? "newer"}; this server knows up to ${own_version}: upgrade this server`
        : writer_version !== undefined
          ? `entry ${index} was written by command-set version ${writer_version}; this server knows up to ${own_version}: upgrade this server (command type ${type}, ${commandTypeName(type)}, is unknown to it)`
          : `entry ${index} holds command type ${type}, written by a newer command-set version; this server knows up to ${own_version}: upgrade this server`,
    );
    this.name = "CommandSetError";
  }
}

/**
 * The command-set version of the server that proposed an entry: the request id starts with the
 * proposer's member id ("<id>-<counter>"), and the member table holds what it announced.
 * Undefined when the proposer is gone or never announced.
 */
export function writerVersion(rid: string, members: { get(id: number): Member | undefined }): number | undefined {
  const dash = rid.indexOf("-");
  const id = dash > 0 ? Number(rid.slice(0, dash)) : NaN;
  if (!Number.isInteger(id)) return undefined;
  return members.get(id)?.command_set_version;
}
