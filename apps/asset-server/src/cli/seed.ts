// Placeholder: the `seed` command is implemented by a later issue (issue 7).
export async function run(_argv: string[]): Promise<number> {
  console.error("subtreekit-asset seed: not implemented yet");
  return 2;
}
