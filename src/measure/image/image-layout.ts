// Which blobs of an image archive are the layers of the wanted platform, in order.
// Works on the small metadata entries only, after the archive has streamed by, because
// `docker save` and OCI layouts may put manifest.json after the layers it names.

import { z } from 'zod';
import { normaliseTarPath } from './scan-layer.ts';

export interface ArchiveIndex {
  /** Small entries kept whole: archive path ("/manifest.json") → bytes. */
  meta: ReadonlyMap<string, Uint8Array>;
  /** Symlinked or hardlinked entries: archive path → target archive path. */
  links: ReadonlyMap<string, string>;
}

export interface PlannedLayer {
  /** Archive path of the layer blob ("/blobs/sha256/…" or "/<id>/layer.tar"). */
  key: string;
  /** Digest for display, else the archive path. */
  id: string;
  createdBy?: string;
}

export type ImageLayout =
  { ok: true; format: 'docker-save' | 'oci'; layers: PlannedLayer[]; imagePlatform: string | null } | { ok: false; reason: string };

interface Candidate {
  layerKeys: string[];
  digests: Array<string | null>;
  config: ImageConfig | null;
  platform: string | null;
}

export function resolveImageLayout(archive: ArchiveIndex, platform: string): ImageLayout {
  const docker = dockerSaveCandidates(archive);
  const format = docker ? 'docker-save' : 'oci';
  const candidates = docker ?? ociCandidates(archive);
  if (candidates === null) return { ok: false, reason: 'the archive has neither manifest.json nor index.json' };
  if (candidates.length === 0)
    return { ok: false, reason: `the archive's ${docker ? 'manifest.json' : 'index.json'} lists no readable image manifest` };
  const chosen = candidates.length === 1 ? candidates[0] : candidates.find((c) => platformMatches(platform, c.platform));
  if (chosen === undefined) {
    const has = candidates.map((c) => c.platform ?? 'unknown').join(', ');
    return { ok: false, reason: `the archive holds no image for ${platform} (it has ${has})` };
  }
  const history = (chosen.config?.history ?? []).filter((h) => h.empty_layer !== true);
  const diffIds = chosen.config?.rootfs?.diff_ids ?? [];
  const layers = chosen.layerKeys.map((key, i): PlannedLayer => {
    const createdBy = history[i]?.created_by;
    const id = chosen.digests[i] ?? diffIds[i] ?? key.slice(1);
    return { key: followLinks(archive, key), id, ...(createdBy !== undefined ? { createdBy } : {}) };
  });
  return { ok: true, format, layers, imagePlatform: chosen.platform };
}

function dockerSaveCandidates(archive: ArchiveIndex): Candidate[] | null {
  const manifest = readJson(archive, '/manifest.json', DockerSaveManifest);
  if (manifest === null) return null;
  return manifest.map((entry) => {
    const config = readJson(archive, archivePath(entry.Config), ImageConfig);
    const layerKeys = entry.Layers.map(archivePath);
    // Docker 25+ writes layers as OCI blobs; their path carries the digest.
    const digests = layerKeys.map((key) => /^\/blobs\/([a-z0-9]+)\/([0-9a-f]+)$/.exec(key)?.slice(1, 3).join(':') ?? null);
    return { layerKeys, digests, config, platform: configPlatform(config) };
  });
}

const MAX_INDEX_DEPTH = 4;

function ociCandidates(archive: ArchiveIndex): Candidate[] | null {
  const index = readJson(archive, '/index.json', OciIndex);
  if (index === null) return null;
  const out: Candidate[] = [];
  const walk = (descriptors: OciDescriptor[], depth: number): void => {
    for (const d of descriptors) {
      // BuildKit's provenance/SBOM attestations ride along as "unknown/unknown" manifests.
      if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown') continue;
      const key = blobKey(d.digest);
      const nested = readJson(archive, key, OciIndex);
      if (nested !== null) {
        if (depth < MAX_INDEX_DEPTH) walk(nested.manifests, depth + 1);
        continue;
      }
      const manifest = readJson(archive, key, OciManifest);
      if (manifest === null) continue;
      const config = readJson(archive, blobKey(manifest.config.digest), ImageConfig);
      out.push({
        layerKeys: manifest.layers.map((l) => blobKey(l.digest)),
        digests: manifest.layers.map((l) => l.digest),
        config,
        platform: d.platform ? platformName(d.platform) : configPlatform(config),
      });
    }
  };
  walk(index.manifests, 0);
  return out;
}

function readJson<T>(archive: ArchiveIndex, key: string, schema: z.ZodType<T>): T | null {
  const bytes = archive.meta.get(followLinks(archive, key));
  if (bytes === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    // A blob that is not JSON is a layer or something else we do not read: not metadata.
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : null;
}

function archivePath(path: string): string {
  return normaliseTarPath(path) ?? '/';
}

function blobKey(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `/blobs/${alg}/${hex}`;
}

function followLinks(archive: ArchiveIndex, key: string): string {
  let current = key;
  for (let hops = 0; hops < 8; hops++) {
    const next = archive.links.get(current);
    if (next === undefined) break;
    current = next;
  }
  return current;
}

function platformName(p: OciPlatform): string {
  return [p.os, p.architecture, p.variant].filter((s) => s !== undefined && s !== '').join('/');
}

function configPlatform(config: ImageConfig | null): string | null {
  if (!config?.os || !config.architecture) return null;
  return platformName({ os: config.os, architecture: config.architecture, variant: config.variant });
}

/** linux/arm/v7 matches linux/arm/v7 and linux/arm; arm64's implied v8 matches none. */
export function platformMatches(want: string, have: string | null): boolean {
  if (have === null) return false;
  const [wantOs, wantArch, wantVariant] = want.split('/');
  const [haveOs, haveArch, haveVariant] = have.split('/');
  if (wantOs !== haveOs || wantArch !== haveArch) return false;
  const norm = (v: string | undefined): string | undefined => (wantArch === 'arm64' && v === 'v8' ? undefined : v);
  const a = norm(wantVariant);
  const b = norm(haveVariant);
  return a === undefined || b === undefined || a === b;
}

// Wire shapes of image archives, only the fields we read: `docker save` manifest.json
// (https://github.com/moby/moby/blob/master/image/tarexport/tarexport.go) and OCI image
// layout, index, manifest and config (https://github.com/opencontainers/image-spec).
const DockerSaveManifest = z.array(z.looseObject({ Config: z.string(), Layers: z.array(z.string()) }));

const OciPlatform = z.looseObject({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
});
type OciPlatform = z.infer<typeof OciPlatform>;

const OciDescriptor = z.looseObject({
  mediaType: z.string().optional(),
  digest: z.string(),
  platform: OciPlatform.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
type OciDescriptor = z.infer<typeof OciDescriptor>;

const OciIndex = z.looseObject({ manifests: z.array(OciDescriptor) });

const OciManifest = z.looseObject({ config: OciDescriptor, layers: z.array(OciDescriptor) });

const ImageConfig = z.looseObject({
  os: z.string().optional(),
  architecture: z.string().optional(),
  variant: z.string().optional(),
  rootfs: z.looseObject({ diff_ids: z.array(z.string()) }).optional(),
  history: z.array(z.looseObject({ created_by: z.string().optional(), empty_layer: z.boolean().optional() })).optional(),
});
type ImageConfig = z.infer<typeof ImageConfig>;
