import type { Descriptor, ImageIndex, Platform } from './types';

/** Parses `os/arch[/variant]`. */
export function parsePlatform(platform: string): Platform {
  const [os, architecture, variant, ...rest] = platform.split('/');
  if (!os || !architecture || rest.length > 0) {
    throw new Error(
      `invalid platform '${platform}': expected os/arch or os/arch/variant (for example linux/amd64)`,
    );
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8' };

/** The index entry for `platform` ('linux/amd64', 'linux/arm64/v8'); a clear error listing what exists. */
export function selectPlatform(index: ImageIndex, platform: string): Descriptor {
  const want = parsePlatform(platform);
  const candidates = index.manifests.filter(
    (d) => d.platform && d.platform.os === want.os && d.platform.architecture === want.architecture,
  );
  const variantOf = (p: Platform) => p.variant ?? DEFAULT_VARIANT[p.architecture];
  const exact = want.variant
    ? candidates.find((d) => variantOf(d.platform!) === want.variant)
    : (candidates.find((d) => variantOf(d.platform!) === DEFAULT_VARIANT[want.architecture]) ??
      candidates[0]);
  if (exact) return exact;
  const available = index.manifests
    .filter((d) => d.platform && d.platform.os !== 'unknown')
    .map((d) => formatPlatform(d.platform!));
  throw new Error(
    `no image for platform ${platform} in the index; available: ${available.length ? available.join(', ') : 'none'}`,
  );
}
