// Constraints: parsed once from strings into a compiled form, then checked against node attributes.
//
// Accepted forms (whitespace around the operator is ignored):
//   attr==value   the node's attribute equals value
//   attr!=value   the attribute differs from value, or the node lacks it
//   attr=~regex   the attribute matches regex, anchored: it must match the whole value
//                 ("os=~linux|darwin" matches "linux", not "linux-gnu")
//   unique        at most one task of the task's group per node
// Attributes are the agent's built-ins (hostname, os, arch) and the user's `--attr k=v`.
import { constraint_chars_max, constraints_per_task_max } from "./limits.js";
import type { Constraint } from "./types.js";

export const constraint_forms =
  "attr==value, attr!=value, attr=~regex (must match the whole value), unique";

/** A constraint string that cannot be used; the message names it and shows the accepted forms. */
export class ConstraintError extends Error {
  override readonly name = "ConstraintError";
  constructor(readonly input: string, why: string) {
    super(`invalid constraint ${quote(input)}: ${why}. Accepted forms: ${constraint_forms}`);
  }
}

const attr_name = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const operators = ["==", "!=", "=~"] as const;

export function parseConstraint(input: string): Constraint {
  if (typeof input !== "string") throw new ConstraintError(String(input), "a constraint is a string");
  if (input.length > constraint_chars_max) {
    throw new ConstraintError(input, `it is ${input.length} characters long; the limit is ${constraint_chars_max}`);
  }
  const s = input.trim();
  if (s === "") throw new ConstraintError(input, "it is empty");
  if (s === "unique") return { kind: "unique", text: "unique" };
  const at = firstOperator(s);
  if (at === undefined) throw new ConstraintError(input, "no operator (==, != or =~) found");
  const attr = s.slice(0, at.index).trim();
  const value = s.slice(at.index + 2).trim();
  if (attr === "") throw new ConstraintError(input, "the attribute name before the operator is missing");
  if (!attr_name.test(attr)) {
    throw new ConstraintError(input, `attribute ${quote(attr)} must be letters, digits, '_', '.' or '-', starting with a letter or '_'`);
  }
  if (value === "") throw new ConstraintError(input, "the value after the operator is missing");
  const text = `${attr}${at.op}${value}`;
  if (at.op === "==") return { kind: "eq", attr, value, text };
  if (at.op === "!=") return { kind: "ne", attr, value, text };
  return { kind: "match", attr, pattern: compileAnchored(input, value), text };
}

/** Parses a task's constraint list, bounding its length; the first bad string throws. */
export function parseConstraints(inputs: readonly string[]): Constraint[] {
  if (inputs.length > constraints_per_task_max) {
    throw new RangeError(
      `a task may carry at most ${constraints_per_task_max} constraints (got ${inputs.length}); merge them with =~ alternatives`,
    );
  }
  return inputs.map(parseConstraint);
}

/** Whether a node's attributes satisfy c; `unique` depends on tasks, not attributes, so it holds here. */
export function attributesSatisfy(c: Constraint, attributes: Readonly<Record<string, string>>): boolean {
  if (c.kind === "unique") return true;
  // Own properties only: "constructor" must not find Object.prototype's.
  const value = Object.hasOwn(attributes, c.attr) ? attributes[c.attr] : undefined;
  if (c.kind === "eq") return value === c.value;
  if (c.kind === "ne") return value !== c.value;
  return value !== undefined && c.pattern.test(value);
}

export function isUnique(constraints: readonly Constraint[]): boolean {
  return constraints.some((c) => c.kind === "unique");
}

function firstOperator(s: string): { index: number; op: (typeof operators)[number] } | undefined {
  let best: { index: number; op: (typeof operators)[number] } | undefined;
  for (const op of operators) {
    const index = s.indexOf(op);
    if (index >= 0 && (best === undefined || index < best.index)) best = { index, op };
  }
  return best;
}

function compileAnchored(input: string, source: string): RegExp {
  try {
    // Compiled alone first: "a)|(b" must fail here rather than escape the anchoring group.
    new RegExp(source);
  } catch (err) {
    throw new ConstraintError(input, `regex ${quote(source)} does not compile (${(err as Error).message})`);
  }
  if (hasNestedQuantifier(source)) {
    throw new ConstraintError(input, `regex ${quote(source)} repeats a repeated group, as in (a+)+, which can take exponential time; simplify it`);
  }
  return new RegExp(`^(?:${source})$`);
}

/**
 * Spots (x+)+, (x*)*, (x?){9} and the like: a repeated group whose body is quantified. A heuristic
 * (it misses (a|a)+), so constraint_chars_max still bounds the rest.
 */
function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = [];
  let inner = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === "(") {
      stack.push(inner);
      inner = false;
      if (source[i + 1] === "?") i++; // (?: (?= (?<name> open a group; that '?' repeats nothing
    } else if (ch === ")") {
      const next = source[i + 1];
      const repeated = next === "*" || next === "+" || next === "{";
      if (repeated && inner) return true;
      inner = (stack.pop() ?? false) || inner || repeated;
    } else if (ch === "*" || ch === "+" || ch === "?" || ch === "{") inner = true;
  }
  return false;
}

function quote(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return JSON.stringify(shown);
}
