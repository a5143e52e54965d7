// Mesos's rule for ids that become directory names (common/validation.cpp, validateID): task, framework, agent ids.

/** Mesos's NAME_MAX. */
export const id_length_max = 255;

/** null, or Mesos's words for what is wrong with the id. */
export function idProblem(id: string): string | null {
  if (id === "") return "ID must not be empty";
  if (id.length > id_length_max) return `ID must not be greater than ${id_length_max} characters`;
  if (id === "." || id === "..") return `'${id}' is disallowed`;
  if (/[\x00-\x1f\x7f/\\]/.test(id)) return `'${id}' contains invalid characters`;
  return null;
}
