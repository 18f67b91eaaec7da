// Placeholder: the `import` command is implemented by a later issue (issue 7).
export async function run(_argv: string[]): Promise<number> {
  console.error("subtreekit-asset import: not implemented yet");
  return 2;
}
