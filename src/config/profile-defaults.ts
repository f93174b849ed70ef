// The defaults a profile contributes, as a fresh copy. (In production, load.ts replaces the host
// name with the machine's own name when no layer sets one.)
import { profiles } from './profiles.ts'
import type { Config, Profile } from './schema.ts'

export const PROFILES: readonly Profile[] = ['dev', 'production']

export const isProfile = (value: unknown): value is Profile => PROFILES.includes(value as Profile)

export function profileDefaults(profile: Profile): Config {
  return structuredClone(profiles[profile])
}
