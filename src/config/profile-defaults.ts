// The defaults a profile contributes, as a fresh copy. In production the host name defaults to the
// machine's own name (the seed's server was configured that way); dev keeps `localhost`.
import { profiles } from './profiles.ts'
import type { Config, Profile } from './schema.ts'

export const PROFILES: readonly Profile[] = ['dev', 'production']

export const isProfile = (value: unknown): value is Profile => PROFILES.includes(value as Profile)

export function profileDefaults(profile: Profile, systemHostname?: string): Config {
  const config = structuredClone(profiles[profile])
  if (profile === 'production' && systemHostname) config.hostname = systemHostname
  return config
}
