// Compare two secrets (bearer tokens, API keys) without leaking them through timing: both are hashed
// to SHA-256 first, so the comparison always runs over 32 bytes and neither the secret's length nor a
// common prefix shows in how long it takes. Kept free of node:crypto, which costs idle RSS at start.

/** True when `a` and `b` are the same string; time depends on neither value. */
export function digestsEqual(a: string, b: string): boolean {
  const left = new Bun.CryptoHasher('sha256').update(a).digest()
  const right = new Bun.CryptoHasher('sha256').update(b).digest()
  let difference = 0
  // Both digests are 32 bytes; OR every XOR together instead of returning at the first difference.
  for (let i = 0; i < left.length; i++) difference |= (left[i] as number) ^ (right[i] as number)
  return difference === 0
}
