export function work(): number {
  return 1;
}
