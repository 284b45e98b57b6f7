// Writes real image archives without Docker, in the three layouts bumpguard reads:
// legacy `docker save` (<id>/layer.tar + manifest.json), Docker 25+ `docker save`
// (OCI blobs + index.json + manifest.json) and buildx `--output type=oci`.
import { createHash } from 'node:crypto';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';

export interface TarEntrySpec {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: Buffer | string;
  /** Symlink target as written, or the archive path a hardlink names. */
  target?: string;
}

export interface LayerSpec {
  entries: TarEntrySpec[];
  /** How the blob is stored; legacy and Docker 25+ saves store layers uncompressed. */
  compression?: 'gzip' | 'zstd' | 'none';
  createdBy: string;
  /** Use this exact layer tar instead of building one from entries (e.g. Docker's empty layer). */
  rawTar?: Buffer;
}

export interface ImageSpec {
  platform: string;
  layers: LayerSpec[];
  /** Config history lines that made no layer (ENV, CMD), inserted before the first layer. */
  emptyHistory?: string[];
}

export interface ArchiveSpec {
  layout: 'docker-legacy' | 'docker-oci' | 'oci';
  images: ImageSpec[];
  /** OCI: add a BuildKit attestation manifest to the index. */
  attestation?: boolean;
  /** natural, or a seeded shuffle of every entry with manifest.json/index.json last. */
  order?: 'natural' | 'shuffled';
  seed?: number;
  /** Leave out archive entries (to write broken archives). */
  omit?: (name: string, content: Buffer | undefined) => boolean;
}

export interface BuiltLayer {
  tar: Buffer;
  blob: Buffer;
  digest: string;
  diffId: string;
}

export interface BuiltArchive {
  tar: Buffer;
  /** Per image, per layer, in manifest order. */
  layers: BuiltLayer[][];
}

interface OuterEntry {
  name: string;
  content?: Buffer;
  symlink?: string;
}

export async function makeLayerTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const p = pack();
  const done = collect(p);
  for (const e of entries) {
    const name = e.path.replace(/^\//, '');
    const header = { name, mode: 0o755, mtime: new Date(0) };
    if (e.type === 'dir') p.entry({ ...header, type: 'directory' });
    else if (e.type === 'symlink') p.entry({ ...header, type: 'symlink', linkname: e.target ?? '' });
    else if (e.type === 'hardlink') p.entry({ ...header, type: 'link', linkname: (e.target ?? '').replace(/^\//, '') });
    else p.entry(header, typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0)));
  }
  p.finalize();
  return done;
}

export async function makeImageTar(spec: ArchiveSpec): Promise<BuiltArchive> {
  const built: BuiltLayer[][] = [];
  for (const image of spec.images) built.push(await Promise.all(image.layers.map(buildLayer)));
  const entries = spec.layout === 'docker-legacy' ? legacyEntries(spec, built) : blobEntries(spec, built);
  const kept = entries.filter((e) => !spec.omit?.(e.name, e.content));
  const ordered = spec.order === 'shuffled' ? shuffleManifestLast(kept, spec.seed ?? 1) : kept;
  const p = pack();
  const done = collect(p);
  for (const e of ordered) {
    if (e.symlink !== undefined) p.entry({ name: e.name, type: 'symlink', linkname: e.symlink, mtime: new Date(0) });
    else p.entry({ name: e.name, mtime: new Date(0) }, e.content ?? Buffer.alloc(0));
  }
  p.finalize();
  return { tar: await done, layers: built };
}

async function buildLayer(layer: LayerSpec): Promise<BuiltLayer> {
  const tar = layer.rawTar ?? (await makeLayerTar(layer.entries));
  const blob = layer.compression === 'gzip' ? gzipSync(tar) : layer.compression === 'zstd' ? zstdCompressSync(tar) : tar;
  return { tar, blob, digest: sha256(blob), diffId: sha256(tar) };
}

function imageConfig(image: ImageSpec, layers: BuiltLayer[]): Buffer {
  const [os, architecture, variant] = image.platform.split('/');
  const history = [
    ...(image.emptyHistory ?? []).map((created_by) => ({ created_by, empty_layer: true })),
    ...image.layers.map((l) => ({ created_by: l.createdBy })),
  ];
  return json({
    architecture,
    os,
    ...(variant ? { variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  });
}

function legacyEntries(spec: ArchiveSpec, built: BuiltLayer[][]): OuterEntry[] {
  const out: OuterEntry[] = [];
  const manifest: unknown[] = [];
  const firstDir = new Map<string, string>();
  spec.images.forEach((image, i) => {
    const layers = built[i] ?? [];
    const config = imageConfig(image, layers);
    const configName = `${hex(config)}.json`;
    out.push({ name: configName, content: config });
    const layerPaths = layers.map((layer, j) => {
      const dir = hex(Buffer.from(`${i}/${j}/${layer.diffId}`));
      out.push({ name: `${dir}/VERSION`, content: Buffer.from('1.0') }, { name: `${dir}/json`, content: json({ id: dir }) });
      // Docker links an identical layer to the first copy instead of writing it twice.
      const first = firstDir.get(layer.diffId);
      if (first !== undefined) out.push({ name: `${dir}/layer.tar`, symlink: `../${first}/layer.tar` });
      else {
        firstDir.set(layer.diffId, dir);
        out.push({ name: `${dir}/layer.tar`, content: layer.blob });
      }
      return `${dir}/layer.tar`;
    });
    manifest.push({ Config: configName, RepoTags: [`example/router:${i}`], Layers: layerPaths });
  });
  out.push({ name: 'repositories', content: json({}) }, { name: 'manifest.json', content: json(manifest) });
  return out;
}

function blobEntries(spec: ArchiveSpec, built: BuiltLayer[][]): OuterEntry[] {
  const blobs = new Map<string, Buffer>();
  const addBlob = (content: Buffer): { digest: string; size: number } => {
    const digest = sha256(content);
    blobs.set(digest, content);
    return { digest, size: content.length };
  };
  const descriptors: unknown[] = [];
  const dockerManifest: unknown[] = [];
  spec.images.forEach((image, i) => {
    const layers = built[i] ?? [];
    const config = addBlob(imageConfig(image, layers));
    const layerDescs = layers.map((l, j) => {
      const c = image.layers[j]?.compression ?? 'none';
      const mediaType = `application/vnd.oci.image.layer.v1.tar${c === 'gzip' ? '+gzip' : c === 'zstd' ? '+zstd' : ''}`;
      return { mediaType, ...addBlob(l.blob) };
    });
    const manifest = addBlob(
      json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: layerDescs,
      }),
    );
    const [os, architecture, variant] = image.platform.split('/');
    descriptors.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });
    dockerManifest.push({
      Config: `blobs/${config.digest.replace(':', '/')}`,
      RepoTags: [`example/router:${i}`],
      Layers: layerDescs.map((d) => `blobs/${d.digest.replace(':', '/')}`),
    });
  });
  if (spec.attestation) {
    const statement = addBlob(json({ _type: 'https://in-toto.io/Statement/v0.1' }));
    const config = addBlob(json({ architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers', diff_ids: [statement.digest] } }));
    const manifest = addBlob(
      json({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.in-toto+json', ...statement }],
      }),
    );
    descriptors.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    });
  }
  // buildx nests a multi-manifest result in an image index; Docker's save lists manifests directly.
  const nested = spec.layout === 'oci' && descriptors.length > 1;
  const top = nested
    ? [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...addBlob(json({ schemaVersion: 2, manifests: descriptors })) }]
    : descriptors;
  const out: OuterEntry[] = [...blobs].map(([digest, content]) => ({ name: `blobs/${digest.replace(':', '/')}`, content }));
  out.push(
    { name: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', content: json({ schemaVersion: 2, manifests: top }) },
  );
  if (spec.layout === 'docker-oci') out.push({ name: 'manifest.json', content: json(dockerManifest) });
  return out;
}

/** Seeded Fisher–Yates, then the manifests moved last: the order analysers must survive. */
function shuffleManifestLast(entries: OuterEntry[], seed: number): OuterEntry[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...entries];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as OuterEntry, out[i] as OuterEntry];
  }
  const isManifest = (e: OuterEntry): boolean => e.name === 'manifest.json' || e.name === 'index.json';
  return [...out.filter((e) => !isManifest(e)), ...out.filter(isManifest)];
}

/** A minimal ELF header (64 bytes, e_type EXEC) padded to `size`, optionally UPX-marked. */
export function elfFile(opts: { eMachine: number; bits: 32 | 64; endian: 'le' | 'be'; size: number; upx?: boolean }): Buffer {
  const buf = Buffer.alloc(Math.max(opts.size, 64), 0x90);
  buf.fill(0, 0, 64);
  buf.set([0x7f, 0x45, 0x4c, 0x46, opts.bits === 32 ? 1 : 2, opts.endian === 'le' ? 1 : 2, 1], 0);
  const u16 = (value: number, at: number): void =>
    void (opts.endian === 'le' ? buf.writeUInt16LE(value, at) : buf.writeUInt16BE(value, at));
  u16(2, 16);
  u16(opts.eMachine, 18);
  // UPX puts its "UPX!" l_info right after the program headers.
  if (opts.upx) buf.write('UPX!', 0xec, 'latin1');
  return buf.subarray(0, opts.size);
}

export const EM = { i386: 3, arm: 40, x86_64: 62, aarch64: 183, ppc64: 21, s390: 22, riscv: 243 } as const;

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function sha256(content: Buffer): string {
  return `sha256:${hex(content)}`;
}

function hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function collect(stream: Pack): Promise<Buffer> {
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: unknown) => void parts.push(chunk as Buffer));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}
