/** What the CLI entry points share: `--help` from the file's doc comment, and one way to fail. */
import { readFileSync } from "node:fs";

/** Prints the leading doc comment of the file at `url` (a CLI's `import.meta.url`): its usage. */
export function printUsage(url: string): void {
  console.log(
    readFileSync(new URL(url), "utf8")
      .split("*/")[0]
      ?.replace(/^\/\*\*|^ \* ?/gm, ""),
  );
}

/** Runs `main` when `url` is the script node was started with; errors print as `name: message`, exit 2. */
export async function runMain(url: string, name: string, main: () => Promise<void>): Promise<void> {
  if (url !== `file://${process.argv[1]}`) return;
  await main().catch((err: unknown) => {
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
