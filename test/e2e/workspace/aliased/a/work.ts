export async function work(): Promise<number> {
  return 1;
}
