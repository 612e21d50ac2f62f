import type { Repository } from '@sovereign-ci/oci';

/** The part of the OCI client the probe and retention need (RegistryClient satisfies it). */
export interface RegistryAccess {
  repository(registry: string, name: string): Repository;
  catalog(registry: string, options?: { pageSize?: number }): Promise<string[]>;
}
