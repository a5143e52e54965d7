// A one-line progress display with a spinner on a terminal; plain lines (only on change) in a pipe.

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Progress {
  private frame = 0;
  private last = "";
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly silent: boolean,
  ) {
    this.tty = out.isTTY === true && process.env["TERM"] !== "dumb";
  }

  update(text: string): void {
    if (this.silent) return;
    if (this.tty) {
      this.out.write(`\r\x1b[2K${color("36", frames[this.frame++ % frames.length]!)} ${text}`);
    } else if (text !== this.last) {
      this.out.write(`${text}\n`);
    }
    this.last = text;
  }

  done(text: string): void {
    if (this.silent) return;
    if (this.tty) this.out.write(`\r\x1b[2K${text === "" ? "" : `${color("32", "✔")} ${text}\n`}`);
    else if (text !== "" && text !== this.last) this.out.write(`${text}\n`);
    this.last = "";
  }
}

/** ANSI colour only on a terminal, and never when NO_COLOR is set. */
export function color(code: string, text: string, stream: NodeJS.WriteStream = process.stderr): string {
  if (stream.isTTY !== true || (process.env["NO_COLOR"] ?? "") !== "") return text;
  return `\x1b[${code}m${text}\x1b[0m`;
}
